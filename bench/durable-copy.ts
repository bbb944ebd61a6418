import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyDir } from '../src/builder/copy.js';
import { tempDir } from '../test/support/cli.js';

/**
 * The durable copy of a large build output (BLD-09: the peer's CopyDir, which the harness runs on
 * `release` and `bld` after the builders), on a tree of FILES small files in 40 directories, as a
 * Node chaincode's node_modules gives. Three ways, alternately in the same run: copyDir as the
 * harness runs it (the walk serial, files copied 8 at a time), copyDir copying one file at a time
 * (the walk as Go runs it), and `cp -R` of the same tree as the baseline. Prints the medians and
 * the ratios to cp; fails when copyDir is more than 4x cp.
 */

const FILES = Number(process.env['BENCH_COPY_FILES'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const LIMIT = 4;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const dir = await tempDir('ccaas-bench-copy-');
  try {
    const src = join(dir.path, 'bld');
    for (let d = 0; d < 40; d++) await mkdir(join(src, 'node_modules', `pkg${d}`, 'lib'), { recursive: true });
    for (let i = 0; i < FILES; i++) await writeFile(join(src, 'node_modules', `pkg${i % 40}`, 'lib', `m${i}.js`), `module.exports = ${i};\n`.repeat(1 + (i % 30)));
    const times = { concurrent: [] as number[], serial: [] as number[], cp: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const way of ['concurrent', 'serial', 'cp'] as const) {
        const to = join(dir.path, `${way}-${r}`);
        const t0 = performance.now();
        if (way === 'cp') {
          const c = spawnSync('cp', ['-R', src, to]);
          if (c.status !== 0) throw new Error(`cp -R failed: ${c.stderr.toString()}`);
        } else {
          const res = await copyDir(src, to, way === 'serial' ? { inFlight: 1 } : {});
          if (!res.ok) throw new Error(res.error);
        }
        times[way].push(performance.now() - t0);
        await rm(to, { recursive: true, force: true });
      }
    }
    const cp = median(times.cp);
    const concurrent = median(times.concurrent);
    const serial = median(times.serial);
    process.stdout.write(
      `durable copy of ${FILES} files (median of ${ROUNDS}): copyDir ${concurrent.toFixed(0)} ms (${(concurrent / cp).toFixed(2)}x cp -R), ` +
        `one file at a time ${serial.toFixed(0)} ms (${(serial / cp).toFixed(2)}x), cp -R ${cp.toFixed(0)} ms; concurrent/serial ${(concurrent / serial).toFixed(2)}\n`,
    );
    if (concurrent / cp > LIMIT) {
      process.stderr.write(`durable copy: ${(concurrent / cp).toFixed(2)}x cp -R, above ${LIMIT}x\n`);
      process.exitCode = 1;
    }
  } finally {
    await dir.remove();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
