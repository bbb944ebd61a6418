import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildModel, parseEnvelopes } from '../../src/report/model.js';
import type { ResultJson } from '../../src/report/result.js';
import { runCli, tempDir, type CliRun } from '../support/cli.js';

/**
 * test-network's CCaaS packaging through the real CLI: one package made with `tar czf` (entries
 * `./`, gzip OS byte 3), type ccaas, address `{{.peername}}_basic_ccaas:9999`, installed on two
 * peers that each set CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG. Every peer's build, release and
 * connection.json are judged with its own config, a row per peer.
 */

function rule(result: ResultJson, id: string): ResultJson['rules'][number] {
  const r = result.rules.find((x) => x.id === id);
  assert.ok(r, `no result for ${id}`);
  return r;
}

/** The package as test-network's deployCCAAS script makes it, with the system's tar and gzip. */
async function tarCzfPackage(dir: string, connectionJson: string, label: string): Promise<string> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'pkg'), { recursive: true });
  await writeFile(join(dir, 'src', 'connection.json'), connectionJson);
  await writeFile(join(dir, 'pkg', 'metadata.json'), `{\n    "type": "ccaas",\n    "label": "${label}"\n}\n`);
  const code = spawnSync('tar', ['-C', join(dir, 'src'), '-czf', join(dir, 'pkg', 'code.tar.gz'), '.']);
  assert.equal(code.status, 0, String(code.stderr));
  const out = join(dir, `${label}.tar.gz`);
  const pkg = spawnSync('tar', ['-C', join(dir, 'pkg'), '-czf', out, 'metadata.json', 'code.tar.gz']);
  assert.equal(pkg.status, 0, String(pkg.stderr));
  return out;
}

const TWO_PEERS = ['--peer', 'peer0org1', '--builder-config', '{"peername":"peer0org1"}', '--peer', 'peer0org2', '--builder-config', '{"peername":"peer0org2"}'];

describe('one test-network package on two peers, each judged with its own builder config', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pkg = '';
  const check = async (name: string, args: string[]): Promise<{ run: CliRun; result: ResultJson }> => {
    // No CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG in the harness's own environment: only --builder-config sets it.
    const env: Record<string, string> = { CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: '' };
    const run = await runCli([...args, '--offline', '--quiet'], { reportDir: join(dir.path, name), env, timeoutMs: 60_000 });
    return { run, result: await run.result() };
  };

  before(async () => {
    dir = await tempDir('verdicts-peers-');
    pkg = await tarCzfPackage(join(dir.path, 'tn'), '{\n  "address": "{{.peername}}_basic_ccaas:9999",\n  "dial_timeout": "10s",\n  "tls_required": false\n}\n', 'basic_1.0');
  });
  after(async () => dir.remove());

  it('the package is what tar czf makes: ./ entries, gzip OS byte 3', async () => {
    const code = await readFile(join(dir.path, 'tn', 'pkg', 'code.tar.gz'));
    assert.equal(code[9], 3, 'gzip OS byte of code.tar.gz');
    const list = spawnSync('tar', ['tzf', join(dir.path, 'tn', 'pkg', 'code.tar.gz')], { encoding: 'utf8' });
    assert.deepEqual(list.stdout.trim().split('\n'), ['./', './connection.json']);
  });

  it('renders for every peer: build, release and connection.json pass on each, with a row per peer', async () => {
    const { run, result } = await check('two', [pkg, ...TWO_PEERS]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const id of ['BLD-12', 'BLD-13', 'BLD-15', 'CONN-10', 'CONN-06', 'CONN-07', 'BLD-22', 'CODE-01']) assert.equal(rule(result, id).status, 'passed', `${id}: ${rule(result, id).message}`);
    assert.match(rule(result, 'BLD-12').message, /on every peer: 'peer0org1', 'peer0org2'/);
    assert.match(rule(result, 'CONN-07').message, /on peer 'peer0org1': address peer0org1_basic_ccaas:9999.*on peer 'peer0org2': address peer0org2_basic_ccaas:9999/);
    assert.match(rule(result, 'BLD-22').message, /all 2 peers.*2 different connection\.json files/);
    const model = buildModel(parseEnvelopes(await readFile(join(dir.path, 'two', 'messages.ndjson'), 'utf8')));
    const conn10 = model.rules.find((r) => r.id === 'CONN-10');
    assert.deepEqual((conn10?.evidence?.['perPeer'] as Array<{ peer: string; status: string }>).map((r) => [r.peer, r.status]), [['peer0org1', 'passed'], ['peer0org2', 'passed']]);
  });

  it('a peer whose config lacks the key fails on that peer only, named, with the fix about CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', async () => {
    const { run, result } = await check('one-bad', [pkg, '--peer', 'peer0org1', '--builder-config', '{"peername":"peer0org1"}', '--peer', 'peer0org2', '--builder-config', '{"name":"peer0org2"}']);
    assert.equal(run.code, 1);
    const b12 = rule(result, 'BLD-12');
    assert.equal(b12.status, 'failed');
    assert.match(b12.message, /^on peer 'peer0org2': .*map has no entry for key "peername"/);
    assert.doesNotMatch(b12.message, /peer0org1/);
    const c10 = rule(result, 'CONN-10');
    assert.equal(c10.status, 'failed');
    assert.match(c10.remedy ?? '', /CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG/);
    assert.equal(rule(result, 'BLD-22').status, 'failed');
  });

  it('without --peer the stock peer has no config: CONN-10 fails and its fix is about CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG', async () => {
    const { run, result } = await check('none', [pkg]);
    assert.equal(run.code, 1);
    const c10 = rule(result, 'CONN-10');
    assert.equal(c10.status, 'failed');
    assert.match(c10.message, /map has no entry for key "peername"/);
    assert.match(c10.remedy ?? '', /CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG.*\{"peername":/);
  });
});
