import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { extractMirrors, goSync, MIRRORS, pinnedCommits, withLock, type HyperledgerMirror } from '../../mocks/mirrors.js';
import { ROOT } from './cli.js';

/**
 * Fabric's own code for the tests, from local git mirrors (mocks/mirrors.ts), never copied into
 * this repository: the real ccaas_builder binaries, and the repositories test/oracle-fabric
 * builds against.
 */

export type RealBuilder = { readonly dir: string; readonly commit: string } | { readonly skip: string };

let built: RealBuilder | null = null;

/**
 * The real built-in ccaas builder: `ccaas_builder/` of the pinned Fabric commit (its own Go module,
 * whose dependencies come from the Go module proxy), built once per checkout into
 * test/oracle/bin/fabric-ccaas-<commit>/builder/bin/{detect,build,release}, a builder directory
 * the harness can run with --builder. A skip reason when the mirror, the commit or go is missing.
 */
export function realCcaasBuilder(): RealBuilder {
  built ??= buildRealCcaasBuilder();
  return built;
}

function buildRealCcaasBuilder(): RealBuilder {
  const pinned = pinnedCommits([MIRRORS['fabric'] as HyperledgerMirror]);
  if ('skip' in pinned) return { skip: `${pinned.skip}: the real ccaas_builder cannot be built` };
  const commit = pinned.commits.get('fabric') as string;
  const home = join(ROOT, 'test', 'oracle', 'bin', `fabric-ccaas-${commit.slice(0, 12)}`);
  const dir = join(home, 'builder');
  const ready = (): boolean => ['detect', 'build', 'release'].every((p) => existsSync(join(dir, 'bin', p)));
  if (ready()) return { dir, commit };
  mkdirSync(join(ROOT, 'test', 'oracle', 'bin'), { recursive: true });
  // Test files run two at a time: one builds, the others wait and find it built.
  return withLock(`${home}.lock`, (): RealBuilder => {
    if (ready()) return { dir, commit };
    // the same extracted Fabric tree as test/oracle-fabric's (one lock, one stamp)
    const root = join(ROOT, 'test', 'oracle-fabric', '.mirror');
    const src = extractMirrors(root, [MIRRORS['fabric'] as HyperledgerMirror]);
    if ('skip' in src) return { skip: `${src.skip}: the real ccaas_builder cannot be built` };
    const work = `${home}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    try {
      const out = join(work, 'builder', 'bin');
      mkdirSync(out, { recursive: true });
      const go = goSync(['build', '-o', out, './cmd/detect', './cmd/build', './cmd/release'], { cwd: join(root, 'fabric', 'ccaas_builder'), timeoutMs: 600_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
      if (go.status === 127) return { skip: 'go is not available: the real ccaas_builder cannot be built' };
      if (go.status !== 0) throw new Error(`building Fabric's ccaas_builder at ${commit} failed:\n${go.stderr}`);
      rmSync(home, { recursive: true, force: true });
      mkdirSync(home, { recursive: true });
      renameSync(join(work, 'builder'), dir);
      return { dir, commit };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

/** The repositories test/oracle-fabric is built from (its go.mod replaces each with ./.mirror/<dir>). */
export const FABRIC_ORACLE_MIRRORS: readonly HyperledgerMirror[] = ['fabric', 'fabric-protos-go-apiv2', 'fabric-lib-go', 'fabric-chaincode-go', 'fabric-config'].map((d) => MIRRORS[d] as HyperledgerMirror);

/** Why the Fabric oracle cannot be built (one line), or null. */
export function fabricOracleMissing(): string | null {
  const p = pinnedCommits(FABRIC_ORACLE_MIRRORS);
  return 'skip' in p ? `${p.skip}: Fabric oracle tests skipped` : null;
}

/** Extracts the oracle's mirrors into <oracleDir>/.mirror when absent or stale. */
export function prepareFabricOracleMirrors(oracleDir: string): { readonly ready: true } | { readonly skip: string } {
  return extractMirrors(join(oracleDir, '.mirror'), FABRIC_ORACLE_MIRRORS);
}
