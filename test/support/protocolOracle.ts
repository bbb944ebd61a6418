import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fabricGoEnv, fabricModule, fabricModuleVersion, goSync, withLock } from '../../mocks/mirrors.js';
import { FABRIC_RELEASES, type FabricRelease } from '../../src/catalogue/releases.js';
import { ROOT } from './cli.js';

/**
 * The protocol oracle (test/oracle-protocol): Fabric's own chaincode Handler, built per release as
 * a Go module that requires github.com/hyperledger/fabric at the release's commit (go.mod for 3.1,
 * go.2.5.mod with the build tag fabric2_5 for 2.5, their go.sum files committed), the way a Go
 * user gets Fabric: through the module proxy, or through local mirrors turned into a file-based
 * proxy when the *_MIRROR variables name them (mocks/mirrors.ts fabricGoEnv). This module is the
 * one place that knows how the oracle is built; nothing of Fabric is in the repository.
 */

const ORACLE_DIR = join(ROOT, 'test', 'oracle-protocol');

export type ProtocolOracleBinary = { readonly bin: string; readonly release: FabricRelease; readonly commit: string } | { readonly skip: string };

/** The oracle's sources and module files: a change to any of them is a new binary. */
function sourcesDigest(): string {
  const files = readdirSync(ORACLE_DIR).filter((f) => f.endsWith('.go') || /^go(\.[0-9.]+)?\.(mod|sum)$/.test(f)).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(join(ORACLE_DIR, f)));
  return h.digest('hex').slice(0, 12);
}

const built = new Map<FabricRelease, ProtocolOracleBinary>();

/** Builds (once per release and source digest) the oracle binary, or says why it cannot. */
export function protocolOracleBinary(release: FabricRelease): ProtocolOracleBinary {
  const have = built.get(release);
  if (have) return have;
  const b = build(release);
  built.set(release, b);
  return b;
}

function build(release: FabricRelease): ProtocolOracleBinary {
  const pin = FABRIC_RELEASES[release];
  const m = fabricModule(ORACLE_DIR, release);
  // the module files pin the release's commit (a pseudo-version ending in it)
  if (fabricModuleVersion(release, m.modfile.replace(/\.mod$/, '.sum')) === null) throw new Error(`${m.modfile} does not require github.com/hyperledger/fabric at ${pin.tag} (${pin.commit})`);
  const go = fabricGoEnv(m);
  if ('skip' in go) return { skip: `${go.skip}: the protocol oracle for Fabric ${release} cannot be built` };
  const binDir = join(ORACLE_DIR, 'bin');
  const bin = join(binDir, `oracle-protocol-${release}-${pin.commit.slice(0, 12)}-${sourcesDigest()}`);
  if (existsSync(bin)) return { bin, release, commit: pin.commit };
  mkdirSync(binDir, { recursive: true });
  return withLock(`${bin}.lock`, (): ProtocolOracleBinary => {
    if (existsSync(bin)) return { bin, release, commit: pin.commit };
    const staged = `${bin}.tmp-${process.pid}`;
    // -trimpath: the build cache keys Fabric's packages by content, not by this clone's path, so
    // another checkout (CI's fresh clone) reuses the compiled packages.
    const r = goSync(['build', '-trimpath', '-o', staged, '.'], { cwd: ORACLE_DIR, timeoutMs: 1_200_000, env: { ...go.env, GOWORK: 'off' } });
    if (r.status !== 0) throw new Error(`building the protocol oracle for Fabric ${release} (${pin.tag}) failed:\n${r.stderr}`);
    renameSync(staged, bin);
    return { bin, release, commit: pin.commit };
  });
}

/** One stream the oracle runs (test/oracle-protocol/main.go Run; bytes as base64). */
export interface OracleRun {
  readonly address: string;
  readonly packageId: string;
  readonly namespace: string;
  readonly seed: ReadonlyArray<{ readonly namespace: string; readonly key: string; readonly value: string }>;
  readonly txs: ReadonlyArray<{ readonly txid: string; readonly channel: string; readonly init: boolean; readonly args: readonly string[]; readonly timeoutMs: number; readonly signedProposal?: string; readonly commit?: boolean }>;
  readonly registerTimeoutMs: number;
  readonly totalQueryLimit: number;
  readonly keyLevelEndorsement: boolean;
  readonly purgePvtData: boolean;
  readonly runtimeParams: { readonly useWriteBatch: boolean; readonly maxSizeWriteBatch: number; readonly useGetMultipleKeys: boolean; readonly maxSizeGetMultipleKeys: number };
  /** Keep every ChaincodeMessage of the stream in the outcome's transcript. */
  readonly record?: boolean;
  /** The definition's private data collections (test/oracle-protocol/private.go). */
  readonly collections?: ReadonlyArray<{ readonly name: string; readonly members: readonly string[]; readonly memberOnlyRead: boolean; readonly memberOnlyWrite: boolean }>;
  /** 'couchdb': rich queries answered by the oracle's CouchDB fake (mango.go). */
  readonly stateDatabase?: 'leveldb' | 'couchdb';
  /** A history database (history.go), fed by the run's commits. */
  readonly history?: boolean;
  /** The channel's organisations (MSP ID, root CA and an admin's certificate, PEM): Fabric's MSP manager judges collection membership. */
  readonly msps?: ReadonlyArray<{ readonly id: string; readonly rootCert: string; readonly adminCert: string }>;
  /** Second chaincodes for INVOKE_CHAINCODE, each a running server (extensions.go). */
  readonly callees?: ReadonlyArray<{ readonly name: string; readonly packageId: string; readonly address: string; readonly seed: ReadonlyArray<{ readonly namespace: string; readonly key: string; readonly value: string }> }>;
}

/** One ChaincodeMessage as the oracle's peer side sent or received it (bytes as base64). */
export interface OracleMessage {
  readonly dir: string;
  readonly type: string;
  readonly txid: string;
  readonly channel: string;
  readonly payload?: string;
  readonly proposal?: string;
}

export interface OracleWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value?: string;
  readonly isDelete: boolean;
}

export interface OracleTxOutcome {
  readonly txid: string;
  readonly type?: string;
  readonly payload?: string;
  readonly error?: string;
  readonly writes: readonly OracleWrite[];
  readonly metadataWrites: readonly OracleWrite[];
}

export interface OracleOutcome {
  readonly register: string;
  readonly txs: readonly OracleTxOutcome[];
  readonly streamEnd: string;
  readonly fault?: string;
  readonly release: string;
  readonly transcript?: readonly OracleMessage[];
}

/**
 * The oracle process: one Run per line in, one Outcome per line out. A run that finds the process
 * gone fails with its stderr (a Go panic names what broke) and the next run starts a new process,
 * so fast-check's shrinking asks a live oracle instead of replaying the crash on every smaller case.
 */
export class ProtocolOracle {
  private child!: ChildProcessWithoutNullStreams;
  private lines!: AsyncIterator<string>;
  private stderr = '';
  /** Its stdout ended or an answer was late: its next line is not the next run's answer. */
  private ended = false;
  /** Resolves when the current process has exited and its stdio streams are closed. */
  private closed: Promise<void> = Promise.resolve();

  constructor(private readonly bin: string) {
    this.start();
  }

  private start(): void {
    // one that stopped answering (or hung) is not left running beside its successor
    const old = this.child as ChildProcessWithoutNullStreams | undefined;
    if (old !== undefined && old.exitCode === null && old.signalCode === null) old.kill('SIGKILL');
    this.stderr = '';
    this.ended = false;
    this.child = spawn(this.bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const child = this.child;
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4_000);
    });
    // a write to a process that died between two runs is reported by the run, not thrown here
    this.child.stdin.on('error', () => undefined);
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private get answering(): boolean {
    return !this.ended && !this.exited;
  }

  async run(r: OracleRun, timeoutMs = 120_000): Promise<OracleOutcome> {
    if (!this.answering) this.start();
    this.child.stdin.write(`${JSON.stringify(r)}\n`);
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([
      this.lines.next(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => {
        this.ended = true;
        reject(new Error(`the protocol oracle gave no answer in ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (line.done) {
      this.ended = true;
      // its stdout can end before the last of its stderr (a Go panic) is read: wait for the close
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([this.closed, new Promise<void>((resolve) => (wait = setTimeout(resolve, 5_000)))]).finally(() => clearTimeout(wait));
      throw new Error(`the protocol oracle exited; stderr: ${this.stderr}`);
    }
    return JSON.parse(line.value) as OracleOutcome;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.exited) {
        resolve();
        return;
      }
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.stdin.end();
    });
  }
}
