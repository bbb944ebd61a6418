import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sourceConnection, sourceConnectionBytes } from '../../src/connection/source.js';
import { tempDir } from '../support/cli.js';

/**
 * The package's own connection.json is read with the same Go-faithful readers as every verdict
 * (src/archive), as externalbuilder.Untar leaves it at <src>/connection.json: `./` names, gzip
 * from any tool, entries written over each other without truncation, and nothing after an entry
 * Untar refuses.
 */

function tar(args: string[]): void {
  const r = spawnSync('tar', args);
  assert.equal(r.status, 0, String(r.stderr));
}

describe('the source connection.json, read as Untar extracts it', () => {
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir('connection-source-');
  });
  after(async () => dir.remove());

  it('a code.tar.gz made with tar czf (./ entries, gzip OS byte 3)', async () => {
    const src = join(dir.path, 'czf');
    await mkdir(src);
    await writeFile(join(src, 'connection.json'), '{"address":"{{.peername}}_basic_ccaas:9999","dial_timeout":"10s","tls_required":false}');
    const out = join(dir.path, 'czf.tar.gz');
    tar(['-C', src, '-czf', out, '.']);
    assert.equal((await sourceConnection(out))?.address, '{{.peername}}_basic_ccaas:9999');
  });

  it('a later entry of the same name is written over the earlier one without truncation', async () => {
    const a = join(dir.path, 'a');
    const b = join(dir.path, 'b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(join(a, 'connection.json'), '{"address":"first.example:1"}   ');
    await writeFile(join(b, 'connection.json'), '{"address":"x:2"}');
    const t = join(dir.path, 'dup.tar');
    tar(['-cf', t, '-C', a, 'connection.json']);
    tar(['-rf', t, '-C', b, './connection.json']);
    spawnSync('gzip', ['-f', t]);
    const bytes = await sourceConnectionBytes(`${t}.gz`);
    assert.equal(bytes?.toString(), '{"address":"x:2"}.example:1"}   ');
  });

  it('nothing after an entry Untar refuses (a symlink) is extracted', async () => {
    const s = join(dir.path, 'sym');
    await mkdir(s);
    await symlink('/etc/passwd', join(s, 'link'));
    await writeFile(join(s, 'connection.json'), '{"address":"h:1"}');
    const out = join(dir.path, 'sym.tar.gz');
    tar(['-C', s, '-czf', out, 'link', 'connection.json']);
    assert.equal(await sourceConnectionBytes(out), null);
  });

  it('not a gzip stream: none', async () => {
    const f = join(dir.path, 'plain.tar.gz');
    await writeFile(f, 'not gzip');
    assert.equal(await sourceConnection(f), null);
    assert.equal(await sourceConnection(join(dir.path, 'missing.tar.gz')), null);
  });
});
