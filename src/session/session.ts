import { sourceConnection } from '../connection/source.js';
import type { Dialed } from '../dial/connect.js';
import { blocked, failed, type Finding } from '../findings.js';
import { WorldState } from '../ledger/worldState.js';
import type { TestMsp } from '../peer/identity.js';
import { launchServer, type RunningServer } from '../server/command.js';
import { nextChild } from './children.js';
import { placeServer, type Placement } from '../server/placement.js';
import type { RunConfig } from './config.js';
import { buildStage } from './stages/build.js';
import { connectionStage } from './stages/connection.js';
import { packageStage } from './stages/package.js';
import { RULE_STAGE } from './stages/rules.js';
import { serverStage } from './stages/server.js';
import { STAGE_ORDER } from './types.js';
import type {
  BuildStage,
  ConnectionStage,
  DialStage,
  PackageStage,
  RegisterStage,
  ServerStage,
  SessionContext,
  StageName,
  StageResult,
  TransactionStage,
} from './types.js';

export type { StageName, StageResult } from './types.js';

/**
 * One run of the mock peer over one package: the peer's own flow (install parse → external
 * build → connection.json → dial → REGISTER → a transaction), each stage computed once on first
 * use (src/session/stages/), each judging its rules into findings. A stage whose input failed is
 * blocked, and its rules are reported as skipped with the blocking rule named.
 */

export { RULE_STAGE } from './stages/rules.js';

/**
 * The dial and protocol stages bring gRPC and the Fabric protos (about a hundred modules): they
 * load when a run first needs them, after the package stage has started the --command server, or
 * earlier through LATER_STAGES, by a caller that can load them while it waits (src/cli/warmUp.ts).
 */
export const LATER_STAGES: readonly string[] = [require.resolve('./stages/dial.js'), require.resolve('./stages/protocol.js')];
function dialStages(): typeof import('./stages/dial.js') {
  return require('./stages/dial.js') as typeof import('./stages/dial.js');
}
function protocolStages(): typeof import('./stages/protocol.js') {
  return require('./stages/protocol.js') as typeof import('./stages/protocol.js');
}

/** Several findings on one rule become one: the worst status, every message of that status. */
const SEVERITY: Readonly<Record<Finding['status'], number>> = { error: 5, failed: 4, skipped: 3, 'expected-failure': 2, disabled: 1, passed: 0 };
export function mergeFindings(list: readonly Finding[]): Finding | null {
  if (list.length <= 1) return list[0] ?? null;
  const worst = list.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
  const relevant = list.filter((f) => f.status === worst.status);
  return { ...worst, message: relevant.map((f) => f.message.replace(/[.;]\s*$/, '')).join('; ') };
}

/** The key of an early server started at --address, whatever connection.json says. */
const ANY_ADDRESS = '*';

export class PeerSession implements SessionContext {
  readonly ledger = new WorldState();
  private mspMade: TestMsp | null = null;
  private readonly memo = new Map<StageName, Promise<StageResult>>();
  private runningServer: RunningServer | null = null;
  private dialed: Dialed | null = null;
  /** The --command server started beside the builders, until the server stage takes or stops it. */
  private early: { readonly address: string; readonly started: Promise<{ readonly server: RunningServer; readonly placement: Placement } | null> } | null = null;
  private earlyArmed = false;
  private earlyStarting: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(readonly config: RunConfig) {}

  /** The test MSP (its CA and users), made on first use: a check starts its builders and server first. */
  get msp(): TestMsp {
    if (this.mspMade === null) {
      const { TestMsp: Msp } = require('../peer/identity.js') as typeof import('../peer/identity.js');
      this.mspMade = new Msp(this.config.mspId);
    }
    return this.mspMade;
  }

  private once<T extends StageResult>(name: StageName, f: (s: SessionContext) => Promise<T>): Promise<T> {
    let p = this.memo.get(name);
    if (!p) {
      p = f(this).catch((e: unknown): StageResult => ({
        findings: [],
        failure: { rule: 'HARNESS', peerError: null, message: `the harness failed in the ${name} stage: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` },
      }));
      this.memo.set(name, p);
    }
    return p as Promise<T>;
  }

  /** The finding for a rule, running the stage that judges it (and the stages before it). */
  async judge(ruleId: string): Promise<Finding> {
    const stage = RULE_STAGE[ruleId];
    if (!stage) return { rule: ruleId, status: 'error', message: `no check judges ${ruleId} yet`, peerError: null };
    const result = await this.stage(stage);
    const own = mergeFindings(result.findings.filter((f) => f.rule === ruleId));
    if (own) return own;
    if (result.disabled) return { rule: ruleId, status: 'disabled', message: result.disabled, peerError: null };
    if (result.failure?.rule === 'HARNESS') return { rule: ruleId, status: 'error', message: result.failure.message, peerError: null };
    // A stage that failed on this very rule without a finding of it: the rule failed; it is never blocked by itself.
    if (result.failure?.rule === ruleId) return failed(result.failure);
    if (result.failure) return blocked(ruleId, result.failure);
    return { rule: ruleId, status: 'error', message: `the ${stage} stage ran but did not judge ${ruleId}`, peerError: null };
  }

  stage(name: StageName): Promise<StageResult> {
    switch (name) {
      case 'package':
        return this.package();
      case 'build':
        return this.build();
      case 'connection':
        return this.connection();
      case 'server':
        return this.server();
      case 'dial':
        return this.dial();
      case 'register':
        return this.register();
      case 'transaction':
        return this.transaction();
    }
  }

  package(): Promise<PackageStage> {
    const p = this.once('package', async (s: SessionContext) => {
      const r = await packageStage(s);
      // The package's own client_key, learnt before anything of the run is reported.
      await sourceConnection(r.inspected.builderInput?.codeArchivePath ?? null).catch(() => null);
      return r;
    });
    if (!this.earlyArmed) {
      this.earlyArmed = true;
      this.earlyStarting = p.then((r) => this.startEarly(r)).catch(() => undefined);
    }
    return p;
  }

  /**
   * Runs the package stage and resolves once a --command server that need not wait for the
   * builders has been spawned (or it is clear none will be): the CLI lets it boot while it loads
   * the Cucumber runtime. With `through`, the later stages up to that one (the builder processes,
   * the dial, REGISTER, the transaction) then run ahead in the peer's order, each as soon as the
   * one before it is done, as the peer goes from release straight to the dial. The steps judge
   * the same memoised stages as before; only their start is earlier.
   */
  async startRun(o: { readonly through?: StageName | null } = {}): Promise<void> {
    const through = o.through ?? null;
    // (a stage that throws is the steps' to report: they run it again and report its error)
    const ahead = this.package()
      .then((r) => (through !== null && !r.failure ? this.runAhead(through) : null))
      .catch(() => null);
    await this.earlyStarting;
    // Once a builder process exists, the caller may block the event loop (loading Cucumber). If the
    // first one started before this wait began, the next one (or the stage's end) will do: the
    // builders progress meanwhile either way.
    if (through !== null && through !== 'package') await Promise.race([nextChild(), ahead]);
  }

  /** The stages after the package, in order, up to `through`; it stops at the first that fails (the rest are blocked). */
  private async runAhead(through: StageName): Promise<void> {
    for (const name of STAGE_ORDER.slice(1, STAGE_ORDER.indexOf(through) + 1)) {
      if (this.closed) return;
      const r = await this.stage(name);
      if (r.failure || r.disabled) return;
    }
  }

  /**
   * A chaincode server runs independently of the peer, so a --command server need not wait for
   * the builders: as soon as the package ID is known and the address can be told (--address, or
   * the package's own connection.json when it is not a template), it starts beside the build.
   * The server stage takes it when the released connection.json names the same address.
   */
  private async startEarly(r: PackageStage): Promise<void> {
    const c = this.config;
    const packageId = r.inspected.packageId;
    if (c.offline || !c.command || !packageId || r.failure) return;
    const source = (await sourceConnection(r.inspected.builderInput?.codeArchivePath ?? null))?.address ?? null;
    // With --address the server's address does not depend on connection.json: any released address takes it.
    const address = c.address !== null ? ANY_ADDRESS : source;
    // the server stage already started one, the run is over, or the address is for a builder to fill in
    if (!address || address.includes('{{') || this.memo.has('server') || this.closed) return;
    let spawned = (): void => undefined;
    const spawning = new Promise<void>((resolve) => {
      spawned = resolve;
    });
    const started = (async () => {
      const placement = await placeServer(source ?? c.address ?? '', { address: c.address, resolve: c.resolve ?? [], command: true });
      const server = await launchServer({ command: c.command ?? '', packageId, address: placement.listen, cwd: process.cwd(), baseEnv: process.env, onSpawn: spawned });
      return { server, placement };
    })().catch(() => null);
    this.early = { address, started };
    // The process exists before the caller goes on (a synchronous module load would hold the spawn back).
    await Promise.race([spawning, started]);
  }

  async takeEarlyServer(address: string): Promise<{ readonly server: RunningServer; readonly placement: Placement } | null> {
    const e = this.early;
    this.early = null;
    const got = e ? await e.started : null;
    if (!e || !got) return null;
    if (e.address === address || e.address === ANY_ADDRESS) return got;
    await got.server.stop();
    return null;
  }
  build(): Promise<BuildStage> {
    return this.once('build', buildStage);
  }
  connection(): Promise<ConnectionStage> {
    return this.once('connection', connectionStage);
  }
  server(): Promise<ServerStage> {
    return this.once('server', serverStage);
  }
  dial(): Promise<DialStage> {
    return this.once('dial', (s) => dialStages().dialStage(s));
  }
  register(): Promise<RegisterStage> {
    return this.once('register', (s) => protocolStages().registerStage(s));
  }
  transaction(): Promise<TransactionStage> {
    return this.once('transaction', (s) => protocolStages().transactionStage(s));
  }

  /** The package ID the peer computed, once the package stage got that far. */
  async packageId(): Promise<string | null> {
    return (await this.package()).inspected?.packageId ?? null;
  }

  adoptServer(server: RunningServer): void {
    // a stage that ran ahead can finish after the run closed the session: nothing outlives it
    if (this.closed) {
      void server.stop();
      return;
    }
    this.runningServer = server;
  }

  adoptDialed(dialed: Dialed): void {
    if (this.closed) {
      dialed.close();
      return;
    }
    this.dialed = dialed;
  }

  /** Output of the server started with --command, for evidence. */
  serverOutput(): string[] {
    return this.runningServer?.output() ?? [];
  }

  /** Ends the stream and stops the server; the work dir is the caller's. */
  async close(): Promise<void> {
    this.closed = true;
    const early = this.early;
    this.early = null;
    await (await early?.started)?.server.stop();
    this.dialed?.close();
    this.dialed = null;
    await this.runningServer?.stop();
    this.runningServer = null;
  }
}
