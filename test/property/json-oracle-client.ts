/**
 * A client for the Go differential oracles (test/oracle, our stdlib replica of the peer's parsing,
 * and test/oracle-fabric, the same protocol answered by Fabric's own functions, built against each
 * pinned Fabric release): ONE long-lived process per oracle and test file,
 * built on demand, spawned in its own process group with a deadline, killed at the end.
 * Requests are answered in order, one JSON line each.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe } from 'node:test';
import { fabricGoEnv, fabricModule, goSync, type FabricGo } from '../../mocks/mirrors.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import { ORACLE_RELEASES } from '../support/fabric.js';

export interface OracleVerdict {
  readonly ok: boolean;
  readonly error?: string;
  readonly panic?: string;
  readonly result?: Record<string, unknown>;
}

export interface OracleRequest {
  readonly mode: string;
  readonly input: Uint8Array;
  readonly args?: Readonly<Record<string, string>>;
}

/** test/oracle, found from the compiled location (dist/test/property) or the source tree. */
export const ORACLE_DIR = [resolve(__dirname, '../../../test/oracle'), resolve(__dirname, '../oracle')].find((d) => existsSync(join(d, 'go.mod'))) ?? resolve('test/oracle');

/** test/oracle-fabric, found the same way. */
export const ORACLE_FABRIC_DIR = [resolve(__dirname, '../../../test/oracle-fabric'), resolve(__dirname, '../oracle-fabric')].find((d) => existsSync(join(d, 'go.mod'))) ?? resolve('test/oracle-fabric');

/** Why the differential tests cannot run, or null. Without `go` they skip, unless CI=true. */
export function oracleUnavailable(): string | null {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status === 0) return null;
  const reason = 'go not found on PATH: Go differential oracle tests skipped';
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true requires them)`);
  return reason;
}

const fabricGo = new Map<FabricRelease, FabricGo>();

/** test/oracle-fabric's Go environment for a release (fabricGoEnv, once per process). */
function fabricOracleGo(release: FabricRelease): FabricGo {
  let go = fabricGo.get(release);
  if (!go) {
    go = fabricGoEnv(fabricModule(ORACLE_FABRIC_DIR, release));
    fabricGo.set(release, go);
  }
  return go;
}

/**
 * Why the Fabric-oracle tests of a release cannot run, or null: no `go`, or Fabric's modules at
 * the release's pins reachable neither through the module proxy nor through a mirror named by its
 * variable (mocks/mirrors.ts); with CI=true either throws. Downloads the modules (quick once they
 * are in the module cache); the build happens in Oracle.startFabric().
 */
export function fabricOracleUnavailable(release: FabricRelease = '3.1'): string | null {
  const go = oracleUnavailable();
  if (go) return go;
  const f = fabricOracleGo(release);
  return 'skip' in f ? `${f.skip}: Fabric ${release} oracle tests skipped` : null;
}

export class Oracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (v: OracleVerdict) => void; reject: (e: Error) => void }[] = [];
  private readonly timer: NodeJS.Timeout;
  private stderr = '';
  private dead: Error | null = null;

  private constructor(binary: string, lifetimeMs: number) {
    this.child = spawn(binary, [], { cwd: ORACLE_DIR, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line) as OracleVerdict));
    this.child.on('exit', (code, signal) => this.abort(new Error(`oracle exited (${code ?? signal}): ${this.stderr.trim()}`)));
    this.child.on('error', (e) => this.abort(e));
    this.timer = setTimeout(() => { this.abort(new Error(`oracle deadline of ${lifetimeMs} ms passed`)); this.close(); }, lifetimeMs);
    this.timer.unref();
  }

  /**
   * Builds test/oracle (go build, 5 min deadline) and starts it. Test files run in parallel, so each
   * builds to its own name and renames it into place: a rename never disturbs a running binary.
   */
  static start(lifetimeMs = 15 * 60_000): Oracle {
    return new Oracle(Oracle.build(ORACLE_DIR, 'oracle', 300_000), lifetimeMs);
  }

  /**
   * Builds test/oracle-fabric against a Fabric release (its go.mod, or go.2.5.mod with the
   * fabric2_5 tag; 15 min deadline: the first build compiles Fabric) and starts it. Call it only
   * when fabricOracleUnavailable(release) returned null.
   */
  static startFabric(release: FabricRelease = '3.1', lifetimeMs = 15 * 60_000): Oracle {
    const go = fabricOracleGo(release);
    if ('skip' in go) throw new Error(go.skip);
    return new Oracle(Oracle.build(ORACLE_FABRIC_DIR, `oracle-fabric-${release}`, 900_000, go.env), lifetimeMs);
  }

  private static build(dir: string, name: string, timeoutMs: number, env?: NodeJS.ProcessEnv): string {
    const binary = join(dir, 'bin', name);
    const staged = `${binary}.${process.pid}`;
    const build = goSync(['build', '-o', staged, '.'], { cwd: dir, timeoutMs, ...(env ? { env } : {}) });
    if (build.status !== 0) {
      rmSync(staged, { force: true });
      throw new Error(`go build of ${name} failed: ${build.stderr || build.error?.message}`);
    }
    renameSync(staged, binary);
    return binary;
  }

  private abort(e: Error): void {
    if (!this.dead) this.dead = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  ask(req: OracleRequest): Promise<OracleVerdict> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((res, rej) => {
      this.waiting.push({ resolve: res, reject: rej });
      const line = JSON.stringify({ mode: req.mode, input: Buffer.from(req.input).toString('base64'), ...(req.args ? { args: req.args } : {}) });
      this.child.stdin.write(line + '\n');
    });
  }

  /** Many requests, pipelined. */
  askAll(reqs: readonly OracleRequest[]): Promise<OracleVerdict[]> {
    return Promise.all(reqs.map((r) => this.ask(r)));
  }

  close(): void {
    clearTimeout(this.timer);
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      this.child.stdin.end();
      try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}

/** The fast-check seed for a property file: FC_SEED when set, else random; printed for replay. */
export function propertySeed(file: string): number {
  const env = process.env['FC_SEED'];
  const seed = env !== undefined && env !== '' ? Number(env) : Math.floor(Math.random() * 0x7fffffff);
  process.stdout.write(`# ${file}: seed ${seed} (replay with FC_SEED=${seed})\n`);
  return seed;
}

/**
 * A property's run count: the file's default, or more on demand for a deeper soak with
 * ORACLE_RUNS=<n> (or its older name FC_RUNS=<n>), e.g. ORACLE_RUNS=10000. Never fewer.
 */
export function propertyRuns(defaultRuns: number): number {
  const n = Number(process.env['ORACLE_RUNS'] || process.env['FC_RUNS'] || '');
  return Number.isInteger(n) && n > defaultRuns ? n : defaultRuns;
}

/**
 * The run count against an oracle: the file's default against our Go replica and the newest
 * release; a quarter of it (at least 500) against an older release, to keep CI short: between
 * v2.5.16 and v3.1.5 the packaging, untar, launch and builder code changed in formatting only, and
 * where a text or field did change, the test names it. ORACLE_RUNS=<n> runs n against every oracle.
 */
export function oracleRuns(defaultRuns: number, release: FabricRelease | null): number {
  if (release === null || release === ORACLE_RELEASES[0]) return propertyRuns(defaultRuns);
  return propertyRuns(Math.min(defaultRuns, Math.max(500, Math.round(defaultRuns / 4))));
}

export type OracleName = 'Go' | 'Fabric';

/**
 * One describe per oracle, the same tests in each: our Go replica (test/oracle), then Fabric's own
 * code (test/oracle-fabric) once per pinned release (ORACLE_RELEASES: 3.1, then 2.5 LTS). `body`
 * gets the oracle's name, its skip reason (false when it runs), the running oracle, and for
 * Fabric the release; a seed name or message built from `who` should add the release.
 */
export function describeOracles(titles: Readonly<Record<OracleName, string>>, body: (who: OracleName, skip: string | false, oracle: () => Oracle, release: FabricRelease | null) => void): void {
  const oracles: readonly [OracleName, FabricRelease | null][] = [['Go', null], ...ORACLE_RELEASES.map((r): [OracleName, FabricRelease] => ['Fabric', r])];
  for (const [who, release] of oracles) {
    describe(release ? `${titles[who]}, Fabric ${release}` : titles[who], () => {
      const reason = release ? fabricOracleUnavailable(release) : oracleUnavailable();
      let oracle: Oracle | null = null;
      before(() => {
        if (!reason) oracle = release ? Oracle.startFabric(release) : Oracle.start();
      }, { timeout: 900_000 });
      after(() => oracle?.close());
      body(who, reason ?? false, () => {
        if (!oracle) throw new Error(`the ${who} oracle is not running`);
        return oracle;
      }, release);
    });
  }
}

/** The name a property prints its seed and counts under: base, base-fabric, base-fabric-2.5. */
export function oracleRunName(base: string, who: OracleName, release: FabricRelease | null): string {
  if (who === 'Go') return base;
  return release && release !== '3.1' ? `${base}-fabric-${release}` : `${base}-fabric`;
}

/**
 * Prints how many generated inputs agreed with the oracle, accepted and rejected, and the
 * outcome tally (the 25 most frequent first); returns how many were accepted.
 */
export function reportAgreement(o: { name: string; runs: number; what: string; against: string }, tally: ReadonlyMap<string, number>): number {
  const accepted = tally.get('accepted') ?? 0;
  process.stdout.write(`# ${o.name}: ${o.runs} ${o.what} agreed with ${o.against} (${accepted} accepted, ${o.runs - accepted} rejected)\n`);
  for (const [k, n] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`#   ${n}\t${k}\n`);
  return accepted;
}
