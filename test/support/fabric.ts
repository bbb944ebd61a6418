import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_COMMITS } from '../../src/catalogue/types.js';
import { ROOT } from './cli.js';

/**
 * Fabric's own code for the tests, from a local Fabric mirror (a bare git repository; FABRIC_MIRROR,
 * default /work/.mirror/hyperledger+fabric/repo), never copied into this repository: the Go module
 * proxy these machines reach refuses github.com/hyperledger/*, so Fabric cannot be a Go dependency.
 */
export const FABRIC_MIRROR = process.env['FABRIC_MIRROR'] ?? '/work/.mirror/hyperledger+fabric/repo';

/** The pinned Fabric commit the catalogue cites, as the mirror names it in full. */
function pinnedCommit(): string | null {
  const r = spawnSync('git', ['-C', FABRIC_MIRROR, 'rev-parse', '--verify', '--quiet', `${SOURCE_COMMITS.fabric}^{commit}`], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export type RealBuilder = { readonly dir: string; readonly commit: string } | { readonly skip: string };

let built: RealBuilder | null = null;

/**
 * The real built-in ccaas builder: `ccaas_builder/` of the pinned Fabric commit (its own Go module,
 * whose dependencies come from the Go module proxy), built once per checkout into
 * test/oracle/bin/fabric-ccaas-<commit>/bin/{detect,build,release}, a builder directory the
 * harness can run with --builder. A skip reason when the mirror, the commit or go is missing.
 */
export function realCcaasBuilder(): RealBuilder {
  if (built) return built;
  built = buildRealCcaasBuilder();
  return built;
}

function buildRealCcaasBuilder(): RealBuilder {
  if (!existsSync(FABRIC_MIRROR)) return { skip: `Fabric mirror not found at ${FABRIC_MIRROR} (set FABRIC_MIRROR): the real ccaas_builder cannot be built` };
  const commit = pinnedCommit();
  if (!commit) return { skip: `the Fabric mirror at ${FABRIC_MIRROR} lacks commit ${SOURCE_COMMITS.fabric}: the real ccaas_builder cannot be built` };
  const home = join(ROOT, 'test', 'oracle', 'bin', `fabric-ccaas-${commit.slice(0, 12)}`);
  const dir = join(home, 'builder');
  if (['detect', 'build', 'release'].every((p) => existsSync(join(dir, 'bin', p)))) return { dir, commit };
  const work = `${home}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const archive = spawnSync('git', ['-C', FABRIC_MIRROR, 'archive', '--format=tar', commit, 'ccaas_builder'], { maxBuffer: 64 << 20, timeout: 60_000 });
    if (archive.status !== 0) return { skip: `git archive of ccaas_builder failed: ${archive.stderr.toString().trim()}` };
    const untar = spawnSync('tar', ['-x', '-C', work], { input: archive.stdout, timeout: 60_000 });
    if (untar.status !== 0) return { skip: `could not unpack ccaas_builder: ${untar.stderr.toString().trim()}` };
    const out = join(work, 'builder', 'bin');
    mkdirSync(out, { recursive: true });
    const go = spawnSync('go', ['build', '-o', out, './cmd/detect', './cmd/build', './cmd/release'], { cwd: join(work, 'ccaas_builder'), encoding: 'utf8', timeout: 600_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    if (go.error) return { skip: `go is not available (${go.error.message}): the real ccaas_builder cannot be built` };
    if (go.status !== 0) throw new Error(`building Fabric's ccaas_builder at ${commit} failed:\n${go.stderr}`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    renameSync(join(work, 'builder'), dir);
    return { dir, commit };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
