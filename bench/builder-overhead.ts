import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectPackage } from '../src/package/index.js';
import { defaultRunConfig, type RunConfig } from '../src/session/config.js';
import { PeerSession } from '../src/session/session.js';
import { writeSamplePackage } from '../mocks/sample/sample.js';
import { ROOT, tempDir } from '../test/support/cli.js';

/**
 * The build stage's overhead: the harness's whole build stage (builder lint, scratch build
 * context, extraction, detect/build/release with deadlines and process groups, the durable copy,
 * the restart view and the judging) on mocks/builders/posix-ccaas, beside the same three scripts
 * run directly from a shell doing the same work (mkdir, tar -x, detect, build, release, cp -R),
 * measured alternately in the same run. Prints the medians and their ratio; fails above 1.5x.
 */

const BUILDER = join(ROOT, 'mocks', 'builders', 'posix-ccaas');
const LIMIT = 1.5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** The shell's version of the peer's build: scratch dirs, untar, three programs, durable copy. */
const SHELL_BUILD = `set -e
S=$(mktemp -d "$W/fabric-XXXXXX")
mkdir -m 0700 "$S/src" "$S/metadata" "$S/bld" "$S/release"
tar -xzf "$CODE" -C "$S/src"
cp "$MD" "$S/metadata/metadata.json"
"$B/bin/detect" "$S/src" "$S/metadata"
"$B/bin/build" "$S/src" "$S/metadata" "$S/bld"
"$B/bin/release" "$S/bld" "$S/release"
D="$W/durable-$$"
mkdir -m 0700 "$D"
printf '{"builder_name":"posix"}' > "$D/build-info.json"
cp -R "$S/release" "$D/release"
cp -R "$S/bld" "$D/bld"
rm -rf "$S" "$D"
`;

async function main(): Promise<void> {
  const dir = await tempDir('ccaas-bench-builder-');
  try {
    const rounds = Number(process.env['BENCH_ROUNDS'] ?? 25);
    const pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: 'localhost:9999' });
    const inspected = await inspectPackage(pkg, dir.path);
    const input = inspected.builderInput;
    if (!input) throw new Error(`the sample package does not build: ${inspected.failure?.message ?? ''}`);
    const md = join(dir.path, 'metadata.json');
    await (await import('node:fs/promises')).writeFile(md, input.metadataJson);
    const harness: number[] = [];
    const shell: number[] = [];
    for (let i = 0; i < rounds + 2; i++) {
      const workDir = join(dir.path, `w${i}`);
      await mkdir(workDir);
      const config: RunConfig = { ...defaultRunConfig(pkg, workDir), offline: true, builders: [{ name: 'posix', path: BUILDER, propagateEnvironment: [] }], peerEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } };
      const session = new PeerSession(config);
      await session.package();
      const t0 = performance.now();
      const b = await session.build();
      const h = performance.now() - t0;
      if (b.failure) throw new Error(`build failed: ${b.failure.message}`);
      await session.close();
      await rm(workDir, { recursive: true, force: true });

      const t1 = performance.now();
      const r = spawnSync('/bin/sh', ['-c', SHELL_BUILD], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', W: dir.path, CODE: input.codeArchivePath, MD: md, B: BUILDER }, stdio: ['ignore', 'ignore', 'pipe'] });
      const s = performance.now() - t1;
      if (r.status !== 0) throw new Error(`shell build failed: ${r.stderr.toString()}`);
      if (i >= 2) {
        harness.push(h);
        shell.push(s);
      }
    }
    const hm = median(harness);
    const sm = median(shell);
    const ratio = hm / sm;
    process.stdout.write(`builder-overhead: build stage ${hm.toFixed(1)} ms vs the same scripts from sh ${sm.toFixed(1)} ms (medians of ${rounds}): ${ratio.toFixed(2)}x (limit ${LIMIT}x)\n`);
    if (ratio > LIMIT) process.exitCode = 1;
  } finally {
    await dir.remove();
  }
}

void main();
