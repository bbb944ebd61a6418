import { createHash } from 'node:crypto';
import { access, constants, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { learnPrivateKeys } from '../report/knownKeys.js';
import { join, resolve } from 'node:path';
import type { PeerFailure } from '../findings.js';
import { marshalString, unmarshal } from '../gojson/index.js';
import { BUILD_PREFIX, untarChain, untarCode } from '../package/index.js';
import { sanitizeCcidPath } from '../peer/chains.js';
import { copyDir, type CopiedEntry } from './copy.js';
import { STOCK_VM_ENDPOINT } from './peerConfig.js';
import { runProgram, type ProgramRun } from './process.js';

/**
 * The peer's external build (`externalbuilder.Detector.Build`, reached from `Router.Build` at
 * install): a scratch build context (src, metadata, bld, release; code.tar.gz extracted into src,
 * metadata.json written raw), bin/detect of each builder in configuration order until one exits 0,
 * then bin/build and (when `exec.LookPath` finds it) bin/release of that builder, then the durable
 * copy (build-info.json, release, bld). Every program runs with the peer's argv, working directory
 * and pruned environment, under the harness's deadline. The outcome is a plain value; the build
 * stage judges it (src/builder/judge.ts).
 */

export type BuilderProgram = 'detect' | 'build' | 'release' | 'run';

export interface BuilderSpec {
  readonly name: string;
  /** The builder directory as configured (holding bin/detect ...); may be relative, like the peer's. */
  readonly path: string;
  readonly propagateEnvironment: readonly string[];
  /**
   * How to start a program instead of `<path>/bin/<program>`: the bundled ccaas twin is a Node
   * script. The argv after the launcher's own arguments is exactly the peer's.
   */
  readonly launcher?: (program: BuilderProgram) => { readonly file: string; readonly prefixArgs: readonly string[] } | null;
  /** Set when the bundled twin stands in for a configured builder directory that does not exist here. */
  readonly standInFor?: string;
}

export interface PhaseRecord {
  readonly builder: string;
  readonly program: BuilderProgram;
  /** The program path as the peer would exec it (`filepath.Join(path, "bin", program)`). */
  readonly programPath: string;
  /** argv[1..] as the peer passes them. */
  readonly peerArgs: readonly string[];
  readonly run: ProgramRun | null;
  /** Why the program was not run (release not found by exec.LookPath). */
  readonly skipped?: string;
}

export interface BuildInput {
  readonly packageId: string;
  /** The FIRST metadata.json's raw bytes (PKG-11). */
  readonly metadataJson: Buffer;
  readonly codeArchivePath: string;
}

export interface BuildOptions {
  readonly builders: readonly BuilderSpec[];
  /** Where scratch and durable directories go (the peer uses $TMPDIR and peer.fileSystemPath). */
  readonly workDir: string;
  /** The peer's environment, from which propagated variables are taken. */
  readonly peerEnv: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** The peer's working directory (programs inherit it; relative builder paths resolve against it). */
  readonly peerCwd: string;
  /** vm.endpoint: '' means the Docker fallback is the disabled stub. */
  readonly vmEndpoint: string;
  /** peer.fileSystemPath, for the paths quoted in the peer's messages. */
  readonly peerFileSystemPath: string;
  /** Replaces the package room's untarCode (tests). */
  readonly extract?: (archive: string, dest: string) => Promise<{ ok: true } | { ok: false; failure: PeerFailure }>;
}

/** What the peer would do next after a successful build, judged from the durable release. */
export type Launch =
  | { readonly kind: 'ccaas'; readonly connectionJson: string }
  | { readonly kind: 'stat-error'; readonly error: string }
  | { readonly kind: 'run'; readonly runPath: string; readonly startError: string | null };

export interface BuildOutcome {
  /** The builder that detected the package (and built it, if it got that far). */
  readonly builder: string | null;
  /** Durable directories in the harness's work dir (the peer's are under peerDurableDir). */
  readonly durableDir: string | null;
  readonly releaseDir: string | null;
  readonly bldDir: string | null;
  /** The durable directory as the peer names it. */
  readonly peerDurableDir: string;
  readonly buildInfo: string | null;
  readonly releaseTree: readonly CopiedEntry[] | null;
  readonly bldTree: readonly CopiedEntry[] | null;
  readonly phases: readonly PhaseRecord[];
  /** Where the builder list was empty (the peer's Detector.Build returns at once). */
  readonly noBuilders: boolean;
  /** The program the harness stopped at its deadline: the peer would still be waiting. */
  readonly hang: PhaseRecord | null;
  readonly failure: PeerFailure | null;
  readonly launch: Launch | null;
  /** The environment the programs got (the Go quirk passes everything when none of the names is set). */
  readonly environment: { readonly wholeEnvironment: boolean; readonly keys: readonly string[] };
  readonly totalMs: number;
}

/** The always-propagated names (externalbuilder.DefaultPropagateEnvironment). */
export const DEFAULT_PROPAGATE = ['LD_LIBRARY_PATH', 'LIBPATH', 'PATH', 'TMPDIR'] as const;

/**
 * The child environment as NewCommand builds it (BLD-05): the listed names then the defaults
 * (added when not listed), each copied only if set. When none is set cmd.Env stays nil and Go
 * passes the peer's whole environment.
 */
export function builderEnvironment(propagate: readonly string[], peerEnv: Readonly<Record<string, string | undefined>>): { env: Record<string, string>; wholeEnvironment: boolean } {
  const names = [...propagate];
  for (const d of DEFAULT_PROPAGATE) if (!names.includes(d)) names.push(d);
  const env: Record<string, string> = {};
  let any = false;
  for (const n of names) {
    const v = peerEnv[n];
    if (v !== undefined) {
      env[n] = v;
      any = true;
    }
  }
  if (!any) {
    const all: Record<string, string> = {};
    for (const [k, v] of Object.entries(peerEnv)) if (v !== undefined) all[k] = v;
    return { env: all, wholeEnvironment: true };
  }
  return { env, wholeEnvironment: false };
}

/** The peer's chains for builder failures (BLD-12). */
export const buildChains = {
  build: (name: string, err: string): string => `${BUILD_PREFIX}external builder failed: external builder failed to build: external builder '${name}' failed: ${err}`,
  release: (name: string, err: string): string => `${BUILD_PREFIX}external builder failed: external builder failed to release: builder '${name}' release failed: ${err}`,
  dockerDisabled: (): string => `${BUILD_PREFIX}docker build failed: docker build is disabled`,
  /** The Docker builder's image inspection when nothing listens at a unix vm.endpoint (moby client's wording). */
  dockerNoSocket: (endpoint: string, socket: string): string => `${BUILD_PREFIX}docker build failed: docker image inspection failed: failed to connect to the docker API at ${endpoint}; check if the path is correct and if the daemon is running: dial unix ${socket}: connect: no such file or directory`,
  /** ...and when Docker answers: no Docker platform for a CCaaS type. */
  dockerUnknownType: (type: string): string => `${BUILD_PREFIX}docker build failed: platform builder failed: Failed to generate a Dockerfile: Unknown chaincodeType: ${type}`,
  persist: (what: 'release' | 'bld', durable: string, err: string): string => `${BUILD_PREFIX}external builder failed: could not move or copy build context ${what} to persistent location '${durable}': ${err}`,
  mkdirDurable: (durable: string, err: string): string => `${BUILD_PREFIX}external builder failed: could not create dir '${durable}' to persist build output: ${err}`,
  restore: (err: string): string => `${BUILD_PREFIX}external builder failed: existing build could not be restored: ${err}`,
  runStart: (ccid: string, name: string, err: string): string => `could not launch chaincode ${ccid}: error starting container: error starting container: could not execute run: builder '${name}' run failed to start: ${err}`,
};

/** exec.LookPath on a path with a separator: it exists, is not a directory, and is executable. */
export async function lookPath(file: string, cwd: string): Promise<string | null> {
  const p = resolve(cwd, file);
  try {
    const st = await stat(p);
    if (st.isDirectory()) return 'is a directory';
    await access(p, constants.X_OK);
    return null;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code ?? 'not executable';
  }
}

function programPath(b: BuilderSpec, program: BuilderProgram): string {
  return join(b.path, 'bin', program);
}

/** `{"builder_name":"<name>"}` as json.Marshal writes it. */
export function buildInfoJson(name: string): string {
  return `{"builder_name":${marshalString(name)}}`;
}

/**
 * Detector.CachedBuild: what the peer does when the durable directory already exists (a restart,
 * a re-install after a failed copy, a launch in a new process).
 */
export async function restoreCachedBuild(durableDir: string, peerDurableDir: string, ccid: string, builders: readonly { readonly name: string }[]): Promise<{ restored: string | null; error: string | null }> {
  try {
    await stat(durableDir);
  } catch {
    return { restored: null, error: null };
  }
  const infoPath = join(durableDir, 'build-info.json');
  const peerInfoPath = join(peerDurableDir, 'build-info.json');
  let bytes: Buffer;
  try {
    bytes = await readFile(infoPath);
  } catch (e) {
    return { restored: null, error: `could not read '${peerInfoPath}' for build info: open ${peerInfoPath}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file or directory' : String(e)}` };
  }
  let name: unknown;
  try {
    name = (JSON.parse(bytes.toString('utf8')) as { builder_name?: unknown }).builder_name;
  } catch (e) {
    return { restored: null, error: `malformed build info at '${peerInfoPath}': ${e instanceof Error ? e.message : String(e)}` };
  }
  const wanted = typeof name === 'string' ? name : '';
  if (builders.some((b) => b.name === wanted)) return { restored: wanted, error: null };
  return { restored: null, error: `chaincode '${ccid}' was already built with builder '${wanted}', but that builder is no longer available` };
}

async function judgeLaunch(releaseDir: string, builder: BuilderSpec, cwd: string): Promise<Launch> {
  const conn = join(releaseDir, 'chaincode', 'server', 'connection.json');
  try {
    await stat(conn);
    const connectionJson = (await readFile(conn)).toString('utf8');
    learnPrivateKeys(connectionJson); // its client_key is redacted in every encoding from now on
    return { kind: 'ccaas', connectionJson };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ENOENT') return { kind: 'stat-error', error: `connection information not provided: stat ${conn}: ${code === 'ENOTDIR' ? 'not a directory' : code === 'ELOOP' ? 'too many levels of symbolic links' : String(e)}` };
  }
  const runPath = programPath(builder, 'run');
  if (builder.launcher) {
    const l = builder.launcher('run');
    return { kind: 'run', runPath, startError: l ? null : `fork/exec ${runPath}: no such file or directory` };
  }
  const why = await lookPath(runPath, cwd);
  return { kind: 'run', runPath, startError: why === null ? null : `fork/exec ${runPath}: ${why === 'is a directory' ? 'permission denied' : why}` };
}

/**
 * The harness's own directory name for a package ID: the peer's (SanitizeCCIDPath) when it is
 * short, else a bounded prefix and a digest, so that a label of any length never makes the
 * harness's own paths too long (the peer's own limit is judged as PKG-17).
 */
export function harnessDirName(packageId: string): string {
  const name = sanitizeCcidPath(packageId);
  if (Buffer.byteLength(name, 'utf8') <= 100) return name;
  return `${name.slice(0, 40)}~${createHash('sha256').update(packageId).digest('hex').slice(0, 16)}`;
}

/** `type` of metadata.json as the Docker builder reads it (ChaincodePackageMetadata), or '' when it does not decode. */
function metadataTypeOf(bytes: Buffer): string {
  const r = unmarshal(bytes, { name: 'ChaincodePackageMetadata', pkg: 'persistence', fields: [{ json: 'type', kind: { kind: 'string' } }] });
  const t = r.error === null ? r.values.get('type') : '';
  return typeof t === 'string' ? t : '';
}

/**
 * No external builder built the package: Router.Build falls back to the Docker builder. With
 * vm.endpoint unset that is a stub (`docker build is disabled`). With it set, as in the peer
 * image's own core.yaml (unix:///var/run/docker.sock), DockerVM.Build first inspects the image
 * through that endpoint: in a peer container without the Docker socket (the image has none; it
 * is there only when mounted) that fails at once; where Docker answers, there is no Docker
 * platform for a CCaaS type (`Unknown chaincodeType: CCAAS`). Never chaincode-as-a-service.
 */
export function dockerFallbackFailure(message: string, vmEndpoint: string, metadataType: string): PeerFailure {
  if (vmEndpoint === '') return { rule: 'BLD-06', peerError: buildChains.dockerDisabled(), message: `${message}; the peer falls back to its Docker builder, which is disabled (vm.endpoint is not set)` };
  const type = metadataType.toUpperCase();
  const unknownType = buildChains.dockerUnknownType(type);
  const socket = /^unix:\/\//.test(vmEndpoint) ? vmEndpoint.slice('unix://'.length) : null;
  if (socket === null) {
    return { rule: 'BLD-06', peerError: null, message: `${message}; the peer falls back to a Docker build through vm.endpoint ${vmEndpoint}, which is never chaincode-as-a-service: if that Docker daemon answers, install fails "${unknownType}"` };
  }
  return {
    rule: 'BLD-06',
    peerError: buildChains.dockerNoSocket(vmEndpoint, socket),
    message: `${message}; the peer falls back to its Docker builder through vm.endpoint ${vmEndpoint}${vmEndpoint === STOCK_VM_ENDPOINT ? ' (the peer image\'s own core.yaml)' : ''}. In a peer container without the Docker socket (the peer image has none) install fails at once with the text quoted here; where the socket is mounted and Docker answers, it fails "${unknownType}" instead. Either way no external builder claimed the package, and the Docker build is never chaincode-as-a-service`,
  };
}

export async function runExternalBuild(input: BuildInput, opts: BuildOptions): Promise<BuildOutcome> {
  const started = performance.now();
  const phases: PhaseRecord[] = [];
  const peerDurableDir = join(opts.peerFileSystemPath, 'externalbuilder', 'builds', sanitizeCcidPath(input.packageId));
  const envSample = builderEnvironment(opts.builders[0]?.propagateEnvironment ?? [], opts.peerEnv);
  const base = {
    builder: null as string | null,
    durableDir: null as string | null,
    releaseDir: null as string | null,
    bldDir: null as string | null,
    peerDurableDir,
    buildInfo: null as string | null,
    releaseTree: null as readonly CopiedEntry[] | null,
    bldTree: null as readonly CopiedEntry[] | null,
    phases,
    noBuilders: false,
    hang: null as PhaseRecord | null,
    launch: null as Launch | null,
    environment: { wholeEnvironment: envSample.wholeEnvironment, keys: Object.keys(envSample.env).sort() },
  };
  const done = (over: Partial<BuildOutcome> & { failure: PeerFailure | null }): BuildOutcome => ({ ...base, ...over, totalMs: Math.round(performance.now() - started) });
  const dockerFallback = (message: string): BuildOutcome => done({ failure: dockerFallbackFailure(message, opts.vmEndpoint, metadataTypeOf(input.metadataJson)) });

  // Detector.Build: no external builders means no build context at all.
  if (opts.builders.length === 0) return { ...dockerFallback('no external builder is configured'), noBuilders: true };

  const durableDir = join(opts.workDir, 'externalbuilder', 'builds', harnessDirName(input.packageId));
  const cached = await restoreCachedBuild(durableDir, peerDurableDir, input.packageId, opts.builders);
  if (cached.error) return done({ failure: { rule: 'BLD-10', peerError: buildChains.restore(cached.error), message: cached.error } });
  if (cached.restored) {
    const release = join(durableDir, 'release');
    const b = opts.builders.find((x) => x.name === cached.restored) as BuilderSpec;
    return done({ builder: cached.restored, durableDir, releaseDir: release, bldDir: join(durableDir, 'bld'), failure: null, launch: await judgeLaunch(release, b, opts.peerCwd) });
  }

  await mkdir(opts.workDir, { recursive: true });
  const scratch = await mkdtemp(join(opts.workDir, `fabric-${harnessDirName(input.packageId)}-`));
  try {
    const dirs = { src: join(scratch, 'src'), metadata: join(scratch, 'metadata'), bld: join(scratch, 'bld'), release: join(scratch, 'release') };
    for (const d of [dirs.src, dirs.metadata, dirs.bld, dirs.release]) await mkdir(d, { mode: 0o700 });
    const extract = opts.extract ?? untarCode;
    const untar = await extract(input.codeArchivePath, dirs.src);
    if (!untar.ok) {
      const inner = untar.failure.peerError;
      return done({ failure: { ...untar.failure, peerError: inner === null ? null : inner.startsWith('could not untar source package: ') ? untarChain(inner.slice('could not untar source package: '.length)) : `${BUILD_PREFIX}external builder failed: could not create build context: ${inner}` } });
    }
    await writeFile(join(dirs.metadata, 'metadata.json'), input.metadataJson, { mode: 0o700 });

    const start = async (b: BuilderSpec, program: BuilderProgram, args: readonly string[]): Promise<PhaseRecord> => {
      const { env } = builderEnvironment(b.propagateEnvironment, opts.peerEnv);
      const l = b.launcher?.(program) ?? null;
      const file = l ? l.file : programPath(b, program);
      const run = await runProgram(file, [...(l?.prefixArgs ?? []), ...args], { env, timeoutMs: opts.timeoutMs, cwd: opts.peerCwd });
      const rec: PhaseRecord = { builder: b.name, program, programPath: programPath(b, program), peerArgs: args, run };
      phases.push(rec);
      return rec;
    };
    const hung = (rec: PhaseRecord): BuildOutcome =>
      done({
        builder: rec.program === 'detect' ? null : rec.builder,
        hang: rec,
        failure: {
          rule: 'BLD-07',
          peerError: null,
          message: `${rec.run?.timedOut ? `bin/${rec.program} of builder '${rec.builder}' was still running after ${opts.timeoutMs} ms${rec.run.ignoredSigterm ? ' and ignored SIGTERM' : ''}` : `bin/${rec.program} of builder '${rec.builder}' exited, but a process it left behind still held its stderr open after ${opts.timeoutMs} ms (the peer reads stderr to the end before it waits for the program)`}: the peer has no timeout, so this would hang the install (the client gives up after max(installTimeout, executetimeout) while the build goes on)`,
        },
      });

    let chosen: BuilderSpec | null = null;
    for (const b of opts.builders) {
      const rec = await start(b, 'detect', [dirs.src, dirs.metadata]);
      if (rec.run?.timedOut || rec.run?.stderrHeldOpen) return hung(rec);
      if (rec.run?.goError === null) {
        chosen = b;
        break;
      }
    }
    if (!chosen) {
      const why = phases.map((p) => `'${p.builder}': ${p.run?.goError ?? 'not run'}`).join('; ');
      return dockerFallback(`no builder detected the package (${why}; the peer logs these at debug level only)`);
    }
    base.builder = chosen.name;

    const build = await start(chosen, 'build', [dirs.src, dirs.metadata, dirs.bld]);
    if (build.run?.timedOut || build.run?.stderrHeldOpen) return hung(build);
    if (build.run?.goError) {
      return done({ failure: { rule: 'BLD-12', peerError: buildChains.build(chosen.name, build.run.goError), message: `bin/build of builder '${chosen.name}' failed: ${build.run.goError}` } });
    }

    const releasePath = programPath(chosen, 'release');
    const l = chosen.launcher?.('release');
    const notFound = l ? null : await lookPath(releasePath, opts.peerCwd);
    if (notFound === null) {
      const rel = await start(chosen, 'release', [dirs.bld, dirs.release]);
      if (rel.run?.timedOut || rel.run?.stderrHeldOpen) return hung(rel);
      if (rel.run?.goError) {
        return done({ failure: { rule: 'BLD-12', peerError: buildChains.release(chosen.name, rel.run.goError), message: `bin/release of builder '${chosen.name}' failed: ${rel.run.goError}` } });
      }
    } else {
      phases.push({ builder: chosen.name, program: 'release', programPath: releasePath, peerArgs: [dirs.bld, dirs.release], run: null, skipped: `exec.LookPath(${releasePath}): ${notFound}` });
    }

    // Persist: Mkdir (fails if it exists), build-info.json, then release, then bld.
    await mkdir(join(opts.workDir, 'externalbuilder', 'builds'), { recursive: true, mode: 0o700 });
    try {
      await mkdir(durableDir, { mode: 0o700 });
    } catch (e) {
      const err = `mkdir ${peerDurableDir}: ${(e as { code?: string }).code === 'EEXIST' ? 'file exists' : String(e)}`;
      return done({ failure: { rule: 'BLD-08', peerError: buildChains.mkdirDurable(peerDurableDir, err), message: `the durable build directory could not be created: ${err}` } });
    }
    const buildInfo = buildInfoJson(chosen.name);
    await writeFile(join(durableDir, 'build-info.json'), buildInfo, { mode: 0o600 });
    base.durableDir = durableDir;
    base.buildInfo = buildInfo;
    const peerPath = (s: string): string => s.split(durableDir).join(peerDurableDir);
    for (const [what, from] of [['release', dirs.release], ['bld', dirs.bld]] as const) {
      const to = join(durableDir, what);
      const copied = await copyDir(from, to);
      if (!copied.ok) {
        const err = peerPath(`failed to copy ${from} to ${to}: ${copied.error}`);
        return done({
          failure: {
            rule: 'BLD-09',
            peerError: buildChains.persist(what, peerDurableDir, err),
            message: `the ${what} output cannot be persisted: ${peerPath(copied.error)}`,
          },
        });
      }
      if (what === 'release') base.releaseTree = copied.entries;
      else base.bldTree = copied.entries;
    }
    const releaseDir = join(durableDir, 'release');
    return done({ releaseDir, bldDir: join(durableDir, 'bld'), failure: null, launch: await judgeLaunch(releaseDir, chosen, opts.peerCwd) });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
