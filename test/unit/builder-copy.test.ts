import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyDir, copyRegularFile, goFileMode } from '../../src/builder/copy.js';
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

describe('copyDir copies files concurrently, as if serially (BLD-09)', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'builder-copy-c-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const base = (p: string): string => Buffer.from(p, 'latin1').toString('utf8').split('/').pop() ?? '';

  it('lists entries in walk order and copies every byte, whatever order the copies finish in', async () => {
    const { src } = await fresh('order-c');
    for (let d = 0; d < 3; d++) {
      await mkdir(join(src, `d${d}`));
      for (let i = 0; i < 12; i++) await writeFile(join(src, `d${d}`, `f${i}`), `${d}:${i}:`.repeat(i * 500));
    }
    await symlink('d0/f1', join(src, 'link'));
    const serial = await copyDir(src, join(dir, 'order-c', 'serial'), { inFlight: 1 });
    // copies that finish in reverse order of their start within each window of 8
    let n = 0;
    const shuffled = await copyDir(src, join(dir, 'order-c', 'shuffled'), {
      inFlight: 8,
      copyFile: async (from, to, mode, size) => {
        await delay(8 - (n++ % 8));
        await copyRegularFile(from, to, mode, size);
      },
    });
    assert.ok(serial.ok && shuffled.ok);
    if (!serial.ok || !shuffled.ok) return;
    assert.equal(serial.entries.length, 1 + 3 + 36 + 1);
    assert.deepEqual(shuffled.entries, serial.entries);
    for (const e of serial.entries.filter((x) => x.type === 'file')) {
      assert.deepEqual(await readFile(join(dir, 'order-c', 'shuffled', e.path)), await readFile(join(src, e.path)), e.path);
    }
  });

  it('returns the failure earliest in walk order: a slow file copy before a refused symlink', async () => {
    const { src, dst } = await fresh('first-c');
    for (const n of ['a', 'b', 'c']) await writeFile(join(src, n), n);
    await symlink('/etc/passwd', join(src, 'z'));
    const r = await copyDir(src, dst, {
      copyFile: async (from, to, mode, size) => {
        if (base(from) === 'a') {
          await delay(40);
          throw new Error(`open ${Buffer.from(from, 'latin1').toString()}: input/output error`);
        }
        await copyRegularFile(from, to, mode, size);
      },
    });
    assert.deepEqual(r, { ok: false, rule: 'BLD-09', error: `open ${join(src, 'a')}: input/output error` });
    await assert.rejects(lstat(dst), 'the destination is removed, after the copies still running');
  });

  it('a later file failing first does not hide an earlier one', async () => {
    const { src, dst } = await fresh('later-c');
    for (const n of ['a', 'b']) await writeFile(join(src, n), n);
    const r = await copyDir(src, dst, {
      copyFile: async (from) => {
        if (base(from) === 'a') await delay(30);
        throw new Error(`read ${base(from)}: broken`);
      },
    });
    assert.equal(r.ok ? '' : r.error, 'read a: broken');
  });

  it('starts no more copies once one has failed, as Go stops walking', async () => {
    const { src, dst } = await fresh('stop-c');
    for (let i = 0; i < 200; i++) await writeFile(join(src, `f${String(i).padStart(3, '0')}`), 'x');
    let calls = 0;
    const r = await copyDir(src, dst, {
      copyFile: async (from, to, mode, size) => {
        calls++;
        if (base(from) === 'f000') throw new Error('open f000: boom');
        await copyRegularFile(from, to, mode, size);
      },
    });
    assert.equal(r.ok ? '' : r.error, 'open f000: boom');
    assert.ok(calls < 20, `copies started after the failure: ${calls - 1}`);
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
