import type { BuildOutcome } from '../builder/runner.js';
import type { ChaincodeServerInfo } from '../connection/index.js';
import type { DialTarget, Dialed } from '../dial/connect.js';
import type { ProbeReport } from '../dial/probe.js';
import type { Finding, PeerFailure } from '../findings.js';
import type { WorldState } from '../ledger/worldState.js';
import type { InspectedPackage } from '../package/index.js';
import type { ChaincodeAnswer } from '../peer/answers.js';
import type { ExecuteOutcome, PeerHandler, RegisterOutcome } from '../peer/handler.js';
import type { TestMsp } from '../peer/identity.js';
import type { Redirect } from '../dial/redirect.js';
import type { RunningServer } from '../server/command.js';
import type { Placement } from '../server/placement.js';
import type { RunConfig } from './config.js';

/** The stages of the peer's flow, in order, and what each hands to the next. */
export type StageName = 'package' | 'build' | 'connection' | 'server' | 'dial' | 'register' | 'transaction';

/** The peer's flow in its order: each stage needs the ones before it. */
export const STAGE_ORDER: readonly StageName[] = ['package', 'build', 'connection', 'server', 'dial', 'register', 'transaction'];

export interface StageResult {
  readonly findings: readonly Finding[];
  /** Set when this stage (or an earlier one) failed so later stages cannot run. */
  readonly failure: PeerFailure | null;
  /** Set when the stage is switched off by configuration (--offline). */
  readonly disabled?: string;
}

export interface PackageStage extends StageResult {
  readonly inspected: InspectedPackage;
}
export interface BuildStage extends StageResult {
  readonly outcome: BuildOutcome | null;
}
export interface ConnectionStage extends StageResult {
  readonly info: ChaincodeServerInfo | null;
  readonly connectionJson: string | null;
}
export interface ServerStage extends StageResult {
  readonly server: RunningServer | null;
  /** Where the server listens (or is expected to): connection.json's address, or the redirect's. */
  readonly address: string | null;
  /** Where the harness connects in place of connection.json's address, and why (null: the address itself). */
  readonly redirect: Redirect | null;
}
export interface DialStage extends StageResult {
  readonly dialed: Dialed | null;
  readonly probe: ProbeReport | null;
  readonly target: DialTarget | null;
}
export interface RegisterStage extends StageResult {
  readonly outcome: RegisterOutcome | null;
  readonly handler: PeerHandler | null;
}
export interface TransactionStage extends StageResult {
  readonly outcome: ExecuteOutcome | null;
  readonly txId: string | null;
  /** What the chaincode itself answered that is worth saying (a failing smoke, a success to an unknown function): not the peer's verdict. */
  readonly answers?: readonly ChaincodeAnswer[];
}

/** What a stage sees of the session: the configuration, the earlier stages, the shared resources. */
export interface SessionContext {
  readonly config: RunConfig;
  readonly ledger: WorldState;
  readonly msp: TestMsp;
  package(): Promise<PackageStage>;
  build(): Promise<BuildStage>;
  connection(): Promise<ConnectionStage>;
  server(): Promise<ServerStage>;
  dial(): Promise<DialStage>;
  register(): Promise<RegisterStage>;
  packageId(): Promise<string | null>;
  /** Hands a started server to the session, which stops it at the end. */
  adoptServer(server: RunningServer): void;
  /** The --command server started before the build for connection.json address `address`, with its placement (else it is stopped). */
  takeEarlyServer(address: string): Promise<{ readonly server: RunningServer; readonly placement: Placement } | null>;
  /** Hands an open connection to the session, which closes it at the end. */
  adoptDialed(dialed: Dialed): void;
}
