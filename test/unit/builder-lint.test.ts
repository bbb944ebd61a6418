import assert from 'node:assert/strict';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledCcaasBuilder } from '../../src/builder/bundled.js';
import { lintBuilder, type LintNote } from '../../src/builder/lint.js';
import { ROOT } from '../support/cli.js';

/** Builder lint: what a builder directory shows before anything runs. */

let root = '';
let n = 0;

async function dirWith(programs: Readonly<Record<string, string | [string, number]>>): Promise<string> {
  const dir = join(root, `b${n++}`);
  await mkdir(join(dir, 'bin'), { recursive: true });
  for (const [p, body] of Object.entries(programs)) {
    const [text, mode] = Array.isArray(body) ? body : [body, 0o755];
    await writeFile(join(dir, 'bin', p), text);
    await chmod(join(dir, 'bin', p), mode);
  }
  return dir;
}

function rules(notes: readonly LintNote[], severity: LintNote['severity'] = 'failed'): string[] {
  return notes.filter((x) => x.severity === severity).map((x) => `${x.rule} ${x.program ?? '-'}`).sort();
}

const OK = '#!/bin/sh\nexit 0\n';

describe('lintBuilder', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'builder-lint-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('a clean POSIX builder has nothing to say', async () => {
    const notes = await lintBuilder({ name: 'posix', path: join(ROOT, 'mocks', 'builders', 'posix-ccaas'), propagateEnvironment: [] }, ROOT);
    assert.deepEqual(notes, []);
    assert.deepEqual(await lintBuilder(bundledCcaasBuilder(), ROOT), [], 'the bundled twin is not linted');
  });

  it('the Fabric docs\' sample external builder: jq is not in the stock peer image; bash is, since Fabric 2.5', async () => {
    const notes = await lintBuilder({ name: 'external', path: join(ROOT, 'mocks', 'builders', 'sample-external'), propagateEnvironment: [] }, ROOT);
    assert.deepEqual(rules(notes), ['BLD-19 detect']);
    assert.match(notes.find((x) => x.rule === 'BLD-19' && x.severity === 'failed')?.message ?? '', /bin\/detect:7 .* calls jq/);
    assert.equal(rules(notes, 'info').length, 3, 'each #!/bin/bash script gets the note about bash');
  });

  it('missing exec bits: detect and build fail, release is the silent skip of DRIFT-19', async () => {
    const dir = await dirWith({ detect: [OK, 0o644], build: [OK, 0o644], release: [OK, 0o600] });
    const notes = await lintBuilder({ name: 'x', path: dir, propagateEnvironment: [] }, root);
    assert.deepEqual(rules(notes), ['BLD-16 build', 'BLD-16 detect', 'DRIFT-19 release']);
    const missing = await lintBuilder({ name: 'y', path: join(root, 'nope'), propagateEnvironment: [] }, root);
    assert.deepEqual(rules(missing), ['BLD-16 -']);
  });

  it('CRLF, no #!, an interpreter that does not exist or that the peer image lacks', async () => {
    const dir = await dirWith({ detect: '#!/bin/sh\r\nexit 0\r\n', build: 'exit 0\n', release: '#!/opt/nothing/sh\n', run: '#!/usr/bin/env python3\nprint(1)\n' });
    const notes = await lintBuilder({ name: 'x', path: dir, propagateEnvironment: [] }, root);
    assert.deepEqual(rules(notes), ['BLD-17 detect', 'BLD-18 build', 'BLD-18 release', 'BLD-19 run']);
    assert.match(notes.find((x) => x.rule === 'BLD-17')?.message ?? '', /"\/bin\/sh\\r"/);
  });

  it('variables nothing sets, $ARTIFACTS, an unpropagated CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, arguments the peer never passes', async () => {
    const dir = await dirWith({
      detect: '#!/bin/sh\n# $COMMENTED is fine\nMINE=1\necho "$MINE ${DEFAULTED:-x} $HOME" \'$QUOTED\' >&2\ntest -f "$3/x"\n',
      build: '#!/bin/sh\necho "$CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG $PATH $3" >&2\n',
      release: '#!/bin/sh\nfor f in a b; do echo "$f"; done\nread -r LINE\necho "$LINE"\n',
      run: '#!/bin/sh\nexec chaincode -peer.address="$(cat "$ARTIFACTS/chaincode.json")"\n',
    });
    const notes = await lintBuilder({ name: 'x', path: dir, propagateEnvironment: ['OTHER'] }, root);
    assert.deepEqual(rules(notes), ['BLD-03 detect', 'BLD-20 detect', 'BLD-21 build', 'DRIFT-22 run']);
    assert.match(notes.find((x) => x.rule === 'BLD-20')?.message ?? '', /bin\/detect:4 .* uses \$HOME/);
    assert.match(notes.find((x) => x.rule === 'BLD-03')?.message ?? '', /reads \$3, but the peer passes detect only 2 arguments/);
    const listed = await lintBuilder({ name: 'x', path: dir, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', 'HOME'] }, root);
    assert.deepEqual(rules(listed), ['BLD-03 detect', 'DRIFT-22 run']);
  });

  it('a builder binary that reads CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG without propagateEnvironment', async () => {
    const dir = await dirWith({ detect: OK });
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64), Buffer.from('os.Getenv CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG\0')]);
    await writeFile(join(dir, 'bin', 'build'), elf);
    await chmod(join(dir, 'bin', 'build'), 0o755);
    await copyFile(join(dir, 'bin', 'build'), join(dir, 'bin', 'release'));
    await chmod(join(dir, 'bin', 'release'), 0o755);
    const notes = await lintBuilder({ name: 'ccaas_builder', path: dir, propagateEnvironment: [] }, root);
    assert.deepEqual(rules(notes), ['BLD-21 build', 'BLD-21 release']);
    assert.deepEqual(await lintBuilder({ name: 'ccaas_builder', path: dir, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] }, root), []);
  });
});
