import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { DEFAULT_PACKAGE_LIMITS, inspectPackage } from '../src/package/index.js';
import { entryBlocks, tarBytes, zeroBombGzip } from '../test/unit/package-fixtures.js';

/**
 * Package judging throughput and memory:
 *  - a package whose code.tar.gz is 1 GiB (BENCH_CODE_MIB to change): the judge's wall time and
 *    peak RSS (in a child process) beside `gzip -dc | sha256sum` over the same two files (the
 *    package and its code.tar.gz) in the same run; target: RSS < 150 MB, speed ratio >= 0.5;
 *  - the time to a finished verdict for a 4 KB decompression bomb, 100,000 entries and a 50 MB
 *    metadata.json (each must give a PKG-16 finding; the unit tests assert the findings).
 */

const CODE_MIB = Number(process.env['BENCH_CODE_MIB'] ?? 1024);
const MIB = 1 << 20;

/** A tar stream of big files whose content compresses about 2:1 (random and text blocks). */
function* codeTar(totalMiB: number): Generator<Buffer> {
  const text = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(2000)).subarray(0, 32 * 1024);
  const files = 8;
  const perFile = Math.ceil((totalMiB * 2 * MIB) / files);
  yield tarBytes([{ name: 'connection.json', body: Buffer.from('{"address":"localhost:9999","dial_timeout":"10s"}') }], 'none');
  for (let f = 0; f < files; f++) {
    yield entryBlocks({ name: `blobs/blob-${f}.bin`, body: Buffer.alloc(0), size: perFile }).subarray(0, 512);
    let left = perFile;
    while (left > 0) {
      const n = Math.min(left, MIB);
      const block = Buffer.allocUnsafe(n);
      for (let o = 0; o < n; o += 64 * 1024) {
        randomBytes(Math.min(32 * 1024, n - o)).copy(block, o);
        if (o + 32 * 1024 < n) text.copy(block, o + 32 * 1024, 0, Math.min(32 * 1024, n - o - 32 * 1024));
      }
      left -= n;
      yield block;
    }
    const pad = (512 - (perFile % 512)) % 512;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(1024);
}

async function writeGzip(path: string, chunks: Iterable<Buffer> | AsyncIterable<Buffer>, level: number): Promise<void> {
  await pipeline(Readable.from(chunks), createGzip({ level }), createWriteStream(path));
}

async function* packageTar(codePath: string, codeSize: number): AsyncGenerator<Buffer> {
  yield tarBytes([{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"bench"}') }], 'none');
  yield entryBlocks({ name: 'code.tar.gz', body: Buffer.alloc(0), size: codeSize }).subarray(0, 512);
  const { createReadStream } = await import('node:fs');
  for await (const c of createReadStream(codePath, { highWaterMark: MIB })) yield c as Buffer;
  const pad = (512 - (codeSize % 512)) % 512;
  if (pad) yield Buffer.alloc(pad);
  yield Buffer.alloc(1024);
}

function timeShell(cmd: string): number {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return performance.now() - t0;
}

/** Runs the judge in a child process: wall time, peak RSS (MB), verdict. */
function judgeInChild(pkg: string, work: string, limits: object): Promise<{ ms: number; rssMb: number; failure: string | null; findings: number }> {
  const script = `
    const { inspectPackage } = require(${JSON.stringify(join(__dirname, '../src/package/index.js'))});
    const t0 = performance.now();
    inspectPackage(${JSON.stringify(pkg)}, ${JSON.stringify(work)}, ${JSON.stringify(limits)}).then((r) => {
      const ms = performance.now() - t0;
      process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, failure: r.failure && (r.failure.peerError || r.failure.message), findings: r.findings.length }));
    });`;
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => c.kill('SIGKILL'), 600_000);
    c.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`judge exited ${code}`));
      else resolve(JSON.parse(out) as { ms: number; rssMb: number; failure: string | null; findings: number });
    });
  });
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env['BENCH_TMP'] ?? tmpdir(), 'ccaas-bench-pkg-'));
  try {
    const work = join(dir, 'work');
    mkdirSync(work);
    const code = join(dir, 'code.tar.gz');
    const pkg = join(dir, 'package.tgz');
    const t0 = performance.now();
    await writeGzip(code, codeTar(CODE_MIB), 1);
    const codeSize = statSync(code).size;
    await writeGzip(pkg, packageTar(code, codeSize), 1);
    process.stdout.write(`setup: code.tar.gz ${(codeSize / MIB).toFixed(0)} MiB, package ${(statSync(pkg).size / MIB).toFixed(0)} MiB (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

    const limits = { ...DEFAULT_PACKAGE_LIMITS, maxRatio: 1000 };
    // warm the page cache for both sides
    timeShell(`cat ${pkg} ${code} > /dev/null`);
    const base = timeShell(`gzip -dc ${pkg} | sha256sum && gzip -dc ${code} | sha256sum`);
    const judged = await judgeInChild(pkg, work, limits);
    const baseAgain = timeShell(`gzip -dc ${pkg} | sha256sum && gzip -dc ${code} | sha256sum`);
    const baseline = Math.min(base, baseAgain);
    const ratio = baseline / judged.ms;
    process.stdout.write(`judge: ${(judged.ms / 1000).toFixed(2)} s, peak RSS ${judged.rssMb.toFixed(0)} MB, verdict ${judged.failure ?? 'install OK'} (${judged.findings} findings)\n`);
    process.stdout.write(`gzip -dc | sha256sum on package + code.tar.gz: ${(baseline / 1000).toFixed(2)} s\n`);
    process.stdout.write(`speed ratio (baseline / judge): ${ratio.toFixed(2)} (target >= 0.5); peak RSS ${judged.rssMb.toFixed(0)} MB (target < 150)\n`);
    if (!process.env['BENCH_KEEP']) {
      rmSync(code);
      rmSync(pkg);
    }

    // hostile inputs: time to a finished verdict with the default limits
    const bombCode = zeroBombGzip(entryBlocks({ name: 'zeros', body: Buffer.alloc(0), size: 1024 * MIB }).subarray(0, 512), 1024);
    const bomb = join(dir, 'bomb.tgz');
    writeFileSync(bomb, gzipSync(tarBytes([{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"bomb"}') }, { name: 'code.tar.gz', body: bombCode }]), { level: 9 }));
    const many = join(dir, 'many.tgz');
    writeFileSync(many, gzipSync(Buffer.concat([...Array.from({ length: 100_000 }, (_, i) => entryBlocks({ name: `f${i}`, body: Buffer.alloc(0) })), Buffer.alloc(1024)])));
    const bigMeta = join(dir, 'bigmeta.tgz');
    writeFileSync(bigMeta, gzipSync(tarBytes([{ name: 'metadata.json', body: Buffer.concat([Buffer.from('{"label":"big","pad":"'), Buffer.alloc(50 * MIB, 0x61), Buffer.from('"}')]) }, { name: 'code.tar.gz', body: Buffer.alloc(0) }]), { level: 1 }));
    for (const [name, file] of [[`4 KB bomb (${statSync(bomb).size} bytes)`, bomb], ['100,000 entries', many], ['50 MB metadata.json', bigMeta]] as const) {
      const r = await timed(() => inspectPackage(file, work));
      const f = r.value.findings.find((x) => x.rule === 'PKG-16');
      process.stdout.write(`${name}: ${(r.ms / 1000).toFixed(2)} s, ${f ? `PKG-16: ${f.message}` : `no limit finding (${r.value.failure?.peerError ?? 'ok'})`}\n`);
    }
    if (ratio < 0.5 || judged.rssMb >= 150) process.exitCode = 1;
  } finally {
    if (process.env['BENCH_KEEP']) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
