import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyDir, goFileMode } from '../../src/builder/copy.js';
import { goClean, goJoin, goRel } from '../../src/gopath/filepath.js';

/** The peer's CopyDir (BLD-09) and the filepath functions it relies on. */

let dir = '';

async function fresh(name: string): Promise<{ src: string; dst: string }> {
  const src = join(dir, name, 'release');
  await mkdir(src, { recursive: true, mode: 0o700 });
  return { src, dst: join(dir, name, 'durable', 'release') };
}

describe('copyDir (BLD-09)', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'builder-copy-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('recreates directories and files with their modes and keeps relative symlinks that stay inside', async () => {
    const { src, dst } = await fresh('ok');
    await mkdir(join(src, 'chaincode', 'server'), { recursive: true });
    await writeFile(join(src, 'chaincode', 'server', 'connection.json'), '{"address":"h:1"}');
    await chmod(join(src, 'chaincode', 'server', 'connection.json'), 0o640);
    await writeFile(join(src, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(src, 'run.sh'), 0o755);
    await symlink('chaincode/server/connection.json', join(src, 'link'));
    await symlink('..foo', join(src, 'dots'));
    await chmod(join(src, 'chaincode'), 0o750);
    await mkdir(join(dir, 'ok', 'durable'), { mode: 0o700 });
    const r = await copyDir(src, dst);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(await readFile(join(dst, 'chaincode', 'server', 'connection.json'), 'utf8'), '{"address":"h:1"}');
    assert.equal((await stat(join(dst, 'chaincode', 'server', 'connection.json'))).mode & 0o777, 0o640);
    assert.equal((await stat(join(dst, 'run.sh'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(dst, 'chaincode'))).mode & 0o777, 0o750);
    assert.equal((await stat(dst)).mode & 0o777, 0o700);
    assert.equal(await readlink(join(dst, 'link')), 'chaincode/server/connection.json');
    assert.equal(await readlink(join(dst, 'dots')), '..foo');
    if (r.ok) assert.deepEqual(r.entries.map((e) => `${e.path} ${e.type}`), ['. dir', 'chaincode dir', 'chaincode/server dir', 'chaincode/server/connection.json file', 'dots symlink', 'link symlink', 'run.sh file']);
  });

  it('refuses an absolute symlink with the peer\'s text and removes the destination', async () => {
    const { src, dst } = await fresh('abs');
    await writeFile(join(src, 'a'), 'x');
    await symlink('/etc/passwd', join(src, 'x'));
    await mkdir(join(dir, 'abs', 'durable'));
    const r = await copyDir(src, dst);
    assert.deepEqual(r, { ok: false, rule: 'BLD-09', error: `refusing to copy absolute symlink ${join(src, 'x')} -> /etc/passwd` });
    await assert.rejects(lstat(dst));
  });

  it('refuses a relative symlink that leaves the root', async () => {
    const { src, dst } = await fresh('esc');
    await mkdir(join(src, 'd'));
    await symlink('../../outside', join(src, 'd', 'l'));
    const r = await copyDir(src, dst);
    assert.equal(r.ok ? '' : r.error, `refusing to copy symlink ${join(src, 'd', 'l')} -> ../../outside pointing outside of source root`);
    const inside = await fresh('inside');
    await mkdir(join(inside.src, 'd'));
    await symlink('../d', join(inside.src, 'd', 'up'));
    assert.ok((await copyDir(inside.src, inside.dst)).ok, '../d from d/ resolves inside the root');
  });

  it('refuses special files, printing Go\'s FileMode in octal', async () => {
    const { src, dst } = await fresh('fifo');
    execFileSync('mkfifo', ['-m', '0644', join(src, 'pipe')]);
    await chmod(join(src, 'pipe'), 0o644);
    const r = await copyDir(src, dst);
    assert.equal(r.ok ? '' : r.error, `refusing to copy unsupported file ${join(src, 'pipe')} with mode 200000644`);
    const sock = await fresh('sock');
    const server = createServer();
    await new Promise<void>((res) => server.listen(join(sock.src, 's'), res));
    try {
      const mode = (await lstat(join(sock.src, 's'))).mode & 0o777;
      const rs = await copyDir(sock.src, sock.dst);
      assert.equal(rs.ok ? '' : rs.error, `refusing to copy unsupported file ${join(sock.src, 's')} with mode ${(2 ** 24 + mode).toString(8)}`);
    } finally {
      server.close();
    }
    assert.equal(goFileMode(0o020666).toString(8), '410000666', 'character device: ModeDevice|ModeCharDevice');
  });

  it('walks in byte order, as filepath.Walk does', async () => {
    const { src, dst } = await fresh('order');
    for (const n of ['b', 'B', 'a', 'é', 'z']) await writeFile(join(src, n), n);
    const r = await copyDir(src, dst);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.entries.slice(1).map((e) => e.path), ['B', 'a', 'b', 'z', 'é']);
  });
});

describe('Go filepath on Unix', () => {
  it('Clean, Join and Rel as Go computes them', () => {
    assert.equal(goClean(''), '.');
    assert.equal(goClean('a/../../x'), '../x');
    assert.equal(goClean('/../x'), '/x');
    assert.equal(goJoin('/a/', '/connection.json'), '/a/connection.json');
    assert.equal(goJoin('', 'x'), 'x');
    assert.equal(goRel('/r', '/r'), '.');
    assert.equal(goRel('/r', '/r/a/b'), 'a/b');
    assert.equal(goRel('/r', '/x'), '../x');
    assert.equal(goRel('/r/s', '/r'), '..');
    assert.equal(goRel('/r', '/r..x'), '../r..x');
    assert.throws(() => goRel('/r', 'x'), /Rel: can't make x relative to \/r/);
  });
});
