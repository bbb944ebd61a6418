import { access, constants, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding, PeerFailure } from '../findings.js';
import { untarCode } from '../package/index.js';
import { copyDir } from './copy.js';
import { runProgram, type ProgramRun } from './process.js';

/**
 * The peer's external build (`externalbuilder.Detector.Build`): a scratch build context, detect
 * in configuration order, build, optional release, then the durable copy. Every program runs
 * with the peer's argv and pruned environment, under the harness's timeout.
 */

export interface BuilderSpec {
  readonly name: string;
  /** The builder directory (holding bin/detect ...), as configured. */
  readonly path: string;
  readonly propagateEnvironment: readonly string[];
  /**
   * How to start a program instead of `<path>/bin/<program>`: used for the bundled ccaas twin,
   * which is a Node script. The argv after the program is still exactly the peer's.
   */
  readonly launcher?: (program: BuilderProgram) => { file: string; prefixArgs: readonly string[] };
}

export type BuilderProgram = 'detect' | 'build' | 'release' | 'run';

export interface PhaseRecord {
  readonly builder: string;
  readonly program: BuilderProgram;
  /** Argument list as the peer passes it (argv[1..]). */
  readonly peerArgs: readonly string[];
  readonly run: ProgramRun | null;
  /** Why the program was not run (release missing or not executable). */
  readonly skipped?: string;
}

export interface BuildInput {
  readonly packageId: string;
  readonly metadataJson: Buffer;
  readonly codeArchivePath: string;
}

export interface BuildOptions {
  readonly builders: readonly BuilderSpec[];
  /** Where scratch and durable directories go (the harness's work dir: the peer uses $TMPDIR and peer fs). */
  readonly workDir: string;
  /** The peer's environment, from which propagated variables are taken. */
  readonly peerEnv: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** The peer's working directory (programs inherit it). */
  readonly peerCwd: string;
}

export interface BuildOutcome {
  readonly builder: string | null;
  /** The durable release directory (what the peer reads connection.json from). */
  readonly releaseDir: string | null;
  readonly bldDir: string | null;
  readonly phases: readonly PhaseRecord[];
  readonly failure: PeerFailure | null;
  readonly findings: readonly Finding[];
}

/** SanitizeCCIDPath: each of < > : " / \ | ? * & becomes '-'. */
export function sanitizeCcid(ccid: string): string {
  return ccid.replace(/[<>:"/\\|?*&]/g, '-');
}

/** The always-propagated names (externalbuilder.DefaultPropagateEnvironment). */
export const DEFAULT_PROPAGATE = ['LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR'] as const;

/**
 * The child environment as the peer builds it (BLD-05): listed names then the defaults, each only
 * if set. Go's quirk: if none is set the slice stays nil and exec passes the peer's whole environment.
 */
export function builderEnvironment(propagate: readonly string[], peerEnv: Readonly<Record<string, string | undefined>>): { env: Record<string, string>; wholeEnvironment: boolean } {
  const names = [...propagate];
  for (const d of DEFAULT_PROPAGATE) if (!names.includes(d)) names.push(d);
  const env: Record<string, string> = {};
  for (const n of names) {
    const v = peerEnv[n];
    if (v !== undefined) env[n] = v;
  }
  if (Object.keys(env).length === 0) {
    const all: Record<string, string> = {};
    for (const [k, v] of Object.entries(peerEnv)) if (v !== undefined) all[k] = v;
    return { env: all, wholeEnvironment: true };
  }
  return { env, wholeEnvironment: false };
}

const BUILD_PREFIX = 'could not build chaincode: ';

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const st = await stat(p);
    if (!st.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function runExternalBuild(input: BuildInput, opts: BuildOptions): Promise<BuildOutcome> {
  const phases: PhaseRecord[] = [];
  const findings: Finding[] = [];
  const fail = (rule: string, peerError: string, message: string, remedy?: string): BuildOutcome => ({
    builder: null,
    releaseDir: null,
    bldDir: null,
    phases,
    findings,
    failure: { rule, peerError, message, ...(remedy ? { remedy } : {}) },
  });

  const scratch = await mkdtemp(join(opts.workDir, `fabric-${sanitizeCcid(input.packageId)}`));
  try {
    const dirs = { src: join(scratch, 'src'), metadata: join(scratch, 'metadata'), bld: join(scratch, 'bld'), release: join(scratch, 'release') };
    for (const d of Object.values(dirs)) await mkdir(d, { mode: 0o700 });
    const untar = await untarCode(input.codeArchivePath, dirs.src);
    if (!untar.ok) {
      return fail('CODE-01', `${BUILD_PREFIX}external builder failed: could not create build context: ${untar.failure.peerError ?? untar.failure.message}`, untar.failure.message, untar.failure.remedy);
    }
    await writeFile(join(dirs.metadata, 'metadata.json'), input.metadataJson, { mode: 0o700 });

    const start = async (b: BuilderSpec, program: BuilderProgram, args: readonly string[]): Promise<ProgramRun> => {
      const { env } = builderEnvironment(b.propagateEnvironment, opts.peerEnv);
      const l = b.launcher?.(program);
      const file = l ? l.file : join(b.path, 'bin', program);
      const run = await runProgram(file, [...(l?.prefixArgs ?? []), ...args], { env, timeoutMs: opts.timeoutMs, cwd: opts.peerCwd });
      phases.push({ builder: b.name, program, peerArgs: args, run });
      return run;
    };

    let chosen: BuilderSpec | null = null;
    for (const b of opts.builders) {
      const run = await start(b, 'detect', [dirs.src, dirs.metadata]);
      if (run.timedOut) {
        return fail('BLD-07', '', `bin/detect of builder '${b.name}' did not finish within ${opts.timeoutMs} ms: the peer has no timeout, so this install would hang`);
      }
      if (run.goError === null) {
        chosen = b;
        break;
      }
    }
    if (!chosen) {
      return fail(
        'BLD-06',
        `${BUILD_PREFIX}docker build failed: docker build is disabled`,
        opts.builders.length === 0 ? 'no external builder is configured' : `no builder detected the package (${opts.builders.map((b) => `'${b.name}'`).join(', ')} all exited non-zero); the peer falls back to the disabled docker build`,
      );
    }

    const build = await start(chosen, 'build', [dirs.src, dirs.metadata, dirs.bld]);
    if (build.timedOut) {
      return fail('BLD-07', '', `bin/build of builder '${chosen.name}' did not finish within ${opts.timeoutMs} ms: the peer has no timeout, so this install would hang`);
    }
    if (build.goError) {
      return fail('BLD-12', `${BUILD_PREFIX}external builder failed: external builder failed to build: external builder '${chosen.name}' failed: ${build.goError}`, `bin/build of builder '${chosen.name}' failed: ${build.goError}`);
    }

    const releasePath = chosen.launcher ? chosen.launcher('release').file : join(chosen.path, 'bin', 'release');
    if (chosen.launcher || (await isExecutableFile(releasePath))) {
      const rel = await start(chosen, 'release', [dirs.bld, dirs.release]);
      if (rel.timedOut) {
        return fail('BLD-07', '', `bin/release of builder '${chosen.name}' did not finish within ${opts.timeoutMs} ms: the peer has no timeout, so this install would hang`);
      }
      if (rel.goError) {
        return fail('BLD-12', `${BUILD_PREFIX}external builder failed: external builder failed to release: builder '${chosen.name}' release failed: ${rel.goError}`, `bin/release of builder '${chosen.name}' failed: ${rel.goError}`);
      }
    } else {
      phases.push({ builder: chosen.name, program: 'release', peerArgs: [dirs.bld, dirs.release], run: null, skipped: `no executable ${releasePath}: the peer skips release silently` });
    }

    const durable = join(opts.workDir, 'externalbuilder', 'builds', sanitizeCcid(input.packageId));
    await mkdir(join(opts.workDir, 'externalbuilder', 'builds'), { recursive: true });
    await mkdir(durable, { mode: 0o700 });
    await writeFile(join(durable, 'build-info.json'), JSON.stringify({ builder_name: chosen.name }), { mode: 0o600 });
    for (const [what, from] of [['release', dirs.release], ['bld', dirs.bld]] as const) {
      const to = join(durable, what);
      const copied = await copyDir(from, to);
      if (!copied.ok) {
        return fail(
          'BLD-09',
          `${BUILD_PREFIX}external builder failed: could not move or copy build context ${what} to persistent location '${durable}': failed to copy ${from} to ${to}: ${copied.error}`,
          `the ${what} output cannot be persisted: ${copied.error}`,
        );
      }
    }
    return { builder: chosen.name, releaseDir: join(durable, 'release'), bldDir: join(durable, 'bld'), phases, findings, failure: null };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
