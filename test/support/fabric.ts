import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FABRIC_RELEASES, type FabricRelease } from '../../src/catalogue/releases.js';
import { fabricGoEnv, fabricModule, goSync, withLock } from '../../mocks/mirrors.js';
import { ROOT } from './cli.js';

/**
 * Fabric's own code for the tests, as Go modules at the pinned releases (mocks/mirrors.ts resolves
 * them: the module proxy, or local mirrors named by environment variables), never copied into
 * this repository: the real ccaas_builder binaries, and test/oracle-fabric.
 */

/** The releases the Fabric-code tests run against: both pinned releases, the newest first. */
export const ORACLE_RELEASES: readonly FabricRelease[] = ['3.1', '2.5'];

export type RealBuilder = { readonly dir: string; readonly commit: string; readonly release: FabricRelease } | { readonly skip: string };

const built = new Map<FabricRelease, RealBuilder>();

/** test/fabric-ccaas-builder: a module whose tools are Fabric's ccaas_builder commands. */
export const CCAAS_BUILDER_MODULE = join(ROOT, 'test', 'fabric-ccaas-builder');

/**
 * The real built-in ccaas builder of a release: Fabric's github.com/hyperledger/fabric/ccaas_builder
 * module at the release's commit (test/fabric-ccaas-builder's go.mod, or go.2.5.mod), built once
 * per checkout into test/oracle/bin/fabric-ccaas-<commit>/builder/bin/{detect,build,release}, a
 * builder directory the harness can run with --builder. A skip reason when go or the modules are
 * not available (fabricGoEnv: a failure under CI=true).
 */
export function realCcaasBuilder(release: FabricRelease = '3.1'): RealBuilder {
  let b = built.get(release);
  if (!b) {
    b = buildRealCcaasBuilder(release);
    built.set(release, b);
  }
  return b;
}

function buildRealCcaasBuilder(release: FabricRelease): RealBuilder {
  const commit = FABRIC_RELEASES[release].commit;
  const home = join(ROOT, 'test', 'oracle', 'bin', `fabric-ccaas-${commit.slice(0, 12)}`);
  const dir = join(home, 'builder');
  const ready = (): boolean => ['detect', 'build', 'release'].every((p) => existsSync(join(dir, 'bin', p)));
  if (ready()) return { dir, commit, release };
  const go = fabricGoEnv(fabricModule(CCAAS_BUILDER_MODULE, release));
  if ('skip' in go) return { skip: `${go.skip}: the real ccaas_builder of Fabric ${release} cannot be built` };
  mkdirSync(join(ROOT, 'test', 'oracle', 'bin'), { recursive: true });
  // Test files run two at a time: one builds, the others wait and find it built.
  return withLock(`${home}.lock`, (): RealBuilder => {
    if (ready()) return { dir, commit, release };
    const work = `${home}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    try {
      const out = join(work, 'builder', 'bin');
      mkdirSync(out, { recursive: true });
      const cmds = ['detect', 'build', 'release'].map((c) => `github.com/hyperledger/fabric/ccaas_builder/cmd/${c}`);
      const r = goSync(['build', '-o', out, ...cmds], { cwd: CCAAS_BUILDER_MODULE, timeoutMs: 600_000, env: go.env });
      if (r.status !== 0) throw new Error(`building Fabric ${release}'s ccaas_builder failed:\n${r.stderr}`);
      rmSync(home, { recursive: true, force: true });
      mkdirSync(home, { recursive: true });
      renameSync(join(work, 'builder'), dir);
      return { dir, commit, release };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
