import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readConnection } from '../../src/connection/read.js';
import { ROOT, tempDir } from '../support/cli.js';

const run = promisify(execFile);

/**
 * bench/support/shell-builder stands in for the twin in `BENCH_BUILDER` runs of bench/skeleton.ts,
 * to show the time to verdict without the builders' start-ups. The comparison holds only if the
 * runs are the same to the peer: on a package whose connection.json has no template, the peer must
 * read the same chaincode server info from its release as from the bundled twin's (the twin, like
 * Fabric's builder, writes the document again from its struct; the shell builder copies it), with
 * the same other files, and the two must detect the same packages.
 */

const SHELL = join(ROOT, 'bench', 'support', 'shell-builder', 'bin');
const TWIN = join(ROOT, 'dist', 'src', 'builder', 'ccaas', 'main.js');

type Program = 'detect' | 'build' | 'release';
type Runner = (program: Program, args: string[]) => Promise<void>;

const shell: Runner = async (program, args) => {
  await run(join(SHELL, program), args, { timeout: 10_000 });
};
const twin: Runner = async (program, args) => {
  await run(process.execPath, [TWIN, program, ...args], { timeout: 10_000, env: {} });
};

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[relative(dir, path)] = await readFile(path, 'utf8');
  }
  return out;
}

async function source(dir: string, type: string): Promise<{ src: string; meta: string }> {
  const src = join(dir, 'src');
  const meta = join(dir, 'meta');
  await mkdir(join(src, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, 'metadata.json'), JSON.stringify({ type, label: 'asset_ccaas' }));
  await writeFile(join(src, 'connection.json'), '{\n  "address": "asset-cc.org1.example.com:9999",\n  "dial_timeout": "10s",\n  "tls_required": false\n}\n');
  await writeFile(join(src, 'META-INF', 'statedb', 'couchdb', 'indexes', 'owner.json'), '{"index":{"fields":["owner"]},"ddoc":"ownerDoc","name":"owner","type":"json"}\n');
  return { src, meta };
}

async function released(runner: Runner, dir: string): Promise<Record<string, string>> {
  const { src, meta } = await source(dir, 'ccaas');
  const bld = join(dir, 'bld');
  const rel = join(dir, 'release');
  await mkdir(bld);
  await mkdir(rel);
  await runner('detect', [src, meta]);
  await runner('build', [src, meta, bld]);
  await runner('release', [bld, rel]);
  return tree(rel);
}

describe('the bench\'s shell builder (bench/support/shell-builder)', () => {
  it('releases what the bundled twin releases for a connection.json without a template', async () => {
    const dir = await tempDir('ccaas-shell-builder-');
    try {
      const fromShell = await released(shell, join(dir.path, 'shell'));
      const fromTwin = await released(twin, join(dir.path, 'twin'));
      const conn = 'chaincode/server/connection.json';
      assert.deepEqual(Object.keys(fromShell).sort(), [conn, 'statedb/couchdb/indexes/owner.json']);
      assert.deepEqual(Object.keys(fromTwin).sort(), Object.keys(fromShell).sort());
      const read = (text: string | undefined): unknown => {
        const r = readConnection(Buffer.from(text ?? ''), conn);
        assert.equal(r.failure, null);
        return r.info;
      };
      assert.deepEqual(read(fromShell[conn]), read(fromTwin[conn]));
      assert.equal(fromShell['statedb/couchdb/indexes/owner.json'], fromTwin['statedb/couchdb/indexes/owner.json']);
    } finally {
      await dir.remove();
    }
  });

  it('declines a package of another type, as the twin does', async () => {
    const dir = await tempDir('ccaas-shell-builder-');
    try {
      const { src, meta } = await source(dir.path, 'golang');
      await assert.rejects(shell('detect', [src, meta]), (e: { code?: unknown }) => e.code === 1);
      await assert.rejects(twin('detect', [src, meta]), (e: { code?: unknown }) => e.code === 1);
    } finally {
      await dir.remove();
    }
  });
});
