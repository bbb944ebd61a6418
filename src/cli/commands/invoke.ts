import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStateFile, parseStateFile, type StateEntry } from '../../ledger/stateFile.js';
import type { ProposalResult } from '../../peer/endorser.js';
import type { MockPeer } from '../../peer/mockPeer.js';
import { escapeControl } from '../../report/terminal.js';
import { onInterrupt } from '../interrupt.js';
import { killEverything } from '../../session/children.js';
import { redact } from '../../report/redact.js';
import { PeerSession } from '../../session/session.js';
import { stopSecondChaincodes } from '../../session/stages/secondChaincode.js';
import { sessionPeer } from '../../session/stages/sessionPeer.js';
import type { FlagSpec } from '../args.js';
import { EXIT, UsageError } from '../exit.js';
import { COMMANDS } from '../flags.js';
import { buildRunConfig, CHECK_FLAGS } from './check.js';

/**
 * `ccaas-conformance invoke|query <package> fn args... [--transient JSON] [--msp ID] [--user NAME]
 * [--isInit] [--json] [--state FILE] [--save-state FILE]` plus the check options that reach the server (--command, --address,
 * --builder, --state-db, --init-required, --collection...): one transaction through the mock
 * peer, like `peer chaincode invoke|query` without a network. The package goes through the peer's
 * own flow (install parse, build, connection.json, dial, REGISTER) first; invoke commits the
 * endorsed write set to the (in-memory) ledger, query does not. The ledger starts empty, or from
 * `--state FILE`; `--save-state FILE` writes the chaincode's world state afterwards, so the next
 * command can start from it (src/ledger/stateFile.ts has the format).
 */

/** invoke's and query's own options (src/cli/flags.ts). */
export const TX_FLAGS: Readonly<Record<string, FlagSpec>> = COMMANDS['invoke']?.options ?? {};

export interface SplitArgs {
  /** argv for buildRunConfig: the package and the check options. */
  readonly check: string[];
  /** Positionals after the package. */
  readonly rest: string[];
  /** The transaction options, by name. */
  readonly own: Map<string, string | boolean>;
}

/** Separates the check options (forwarded) from this command's own options and positionals. */
export function splitArgs(argv: readonly string[], own: Readonly<Record<string, FlagSpec>>): SplitArgs {
  const check: string[] = [];
  const rest: string[] = [];
  const mine = new Map<string, string | boolean>();
  let sawPackage = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      const eq = a.indexOf('=');
      const name = a.slice(a.startsWith('--') ? 2 : 1, eq > 0 ? eq : undefined);
      const spec = own[name] ?? CHECK_FLAGS[name] ?? Object.entries(CHECK_FLAGS).find(([, s]) => s.alias === name)?.[1];
      if (!spec) throw new UsageError(`unknown option ${a}`);
      const takesValue = spec.kind !== 'boolean';
      let value: string | undefined;
      if (takesValue && eq < 0) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`option ${a} needs a value`);
      }
      const wrong = takesValue ? (spec.check?.(eq > 0 ? a.slice(eq + 1) : (value as string)) ?? null) : null;
      if (wrong !== null) throw new UsageError(`option --${name} ${wrong}`);
      if (own[name]) mine.set(name, takesValue ? (eq > 0 ? a.slice(eq + 1) : (value as string)) : true);
      else check.push(a, ...(value !== undefined ? [value] : []));
      continue;
    }
    if (!sawPackage) {
      check.unshift(a);
      sawPackage = true;
    } else rest.push(a);
  }
  if (!sawPackage) throw new UsageError('missing <package> argument');
  return { check, rest, own: mine };
}

export interface Launched {
  readonly session: PeerSession;
  readonly peer: MockPeer;
  readonly chaincodeName: string;
  close(): Promise<void>;
}

/** The world state to start from (`--state FILE`). */
export interface StateOption {
  readonly path: string;
  readonly entries: readonly StateEntry[];
}

/** Reads and checks `--state FILE` before anything starts: a bad file is a usage error. */
export async function readStateOption(path: string | boolean | undefined): Promise<StateOption | null> {
  if (typeof path !== 'string') return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--state ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const r = parseStateFile(text);
  if (!r.ok) throw new UsageError(`--state ${path}: ${r.error}`);
  return { path, entries: r.entries };
}

/** Seeds the launched chaincode's namespace with the state file's keys, as one block. */
export function seedState(l: Launched, state: StateOption | null): void {
  if (!state) return;
  for (const e of state.entries) {
    try {
      l.peer.ledger.seed(l.session.config.channelId, l.chaincodeName, e.key, e.value);
    } catch (err) {
      // e.g. CouchDB key rules with --state-db couchdb
      throw new UsageError(`--state ${state.path}: key ${JSON.stringify(e.key)}: ${(err as Error).message}`);
    }
  }
}

/** Writes the chaincode's public world state after the command (`--save-state FILE`). */
export async function saveState(l: Launched, path: string | boolean | undefined): Promise<void> {
  if (typeof path !== 'string') return;
  const ch = l.session.config.channelId;
  const entries = l.peer.ledger.keys(ch, l.chaincodeName).flatMap((key) => {
    const v = l.peer.ledger.get(ch, l.chaincodeName, key);
    return v ? [{ key, value: v.value }] : [];
  });
  await writeFile(path, formatStateFile(entries));
}

/**
 * Runs the peer's flow up to REGISTER for the package; returns null (after printing the failed
 * rule and the peer's text) when the peer would not get that far.
 */
export async function launchForTransactions(checkArgv: readonly string[]): Promise<Launched | null> {
  // Ctrl-C, SIGTERM, SIGHUP: the server and builder groups die, the work dir goes, exit 130/143/129.
  const interrupt = onInterrupt();
  const workDir = mkdtempSync(join(tmpdir(), 'ccaas-conformance-'));
  interrupt.temp.push(workDir);
  const { config } = await buildRunConfig(checkArgv, workDir).catch(async (e: unknown) => {
    await rm(workDir, { recursive: true, force: true });
    interrupt.dispose();
    throw e;
  });
  const session = new PeerSession({ ...config, peer: { ...(config.peer ?? {}), smokeOnly: true } });
  const close = async (): Promise<void> => {
    await stopSecondChaincodes();
    await session.close();
    await killEverything();
    await rm(workDir, { recursive: true, force: true });
    // after the cleanup: a signal during it still finds its handler (see check.ts)
    interrupt.dispose();
  };
  const r = await session.register();
  if (r.disabled || r.failure || !r.handler) {
    const f = r.failure;
    // a failure's message may quote builder or server output: keys never reach the console
    process.stderr.write(
      escapeControl(redact(
        r.disabled
          ? `Error: the chaincode cannot be reached: ${r.disabled}\n`
          : `Error: the peer would not run this chaincode: ${f?.rule ?? ''} ${f?.message ?? 'no handler'}${f?.peerError ? `\npeer: ${f.peerError}` : ''}\n`,
      )),
    );
    await close();
    return null;
  }
  const pkg = await session.package();
  return { session, peer: sessionPeer(session), chaincodeName: pkg.inspected.label ?? (await session.packageId()) ?? 'chaincode', close };
}

function transientOf(text: string | undefined): Map<string, Uint8Array> | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`--transient takes a JSON object, like peer's --transient '{"key":"value"}'`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError('--transient takes a JSON object');
  return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, Buffer.from(typeof x === 'string' ? x : JSON.stringify(x), 'utf8')]));
}

/** Go's %q-like quoting of the payload, as the peer CLI prints `payload:"..."`. */
function quoted(b: Uint8Array): string {
  return JSON.stringify(Buffer.from(b).toString('utf8'));
}

function printResult(kind: 'invoke' | 'query', r: ProposalResult, json: boolean): number {
  const ok = r.peerError === null && r.response.status < 400;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ txId: r.txId, status: r.response.status, message: r.response.message, payload: Buffer.from(r.response.payload).toString('utf8'), endorsed: r.endorsed, committed: r.committed, event: r.event ? { name: r.event.name, payload: Buffer.from(r.event.payload).toString('utf8') } : null, ms: r.ms }, null, 2)}\n`,
    );
    return ok ? EXIT.CONFORMANT : EXIT.NON_CONFORMANT;
  }
  if (!ok) {
    process.stderr.write(escapeControl(redact(`Error: endorsement failure during ${kind}. response: status:${r.response.status} message:${JSON.stringify(r.response.message)}`)) + '\n');
    return EXIT.NON_CONFORMANT;
  }
  // The payload verbatim, as the peer CLI prints it, unless a terminal would interpret it.
  if (kind === 'query') {
    const text = Buffer.from(r.response.payload).toString('utf8');
    process.stdout.write(`${process.stdout.isTTY ? escapeControl(text) : text}\n`);
  }
  else {
    process.stderr.write(`Chaincode invoke successful. result: status:${r.response.status} payload:${quoted(r.response.payload)}\n`);
    if (r.event) process.stderr.write(`chaincode event ${escapeControl(r.event.name)}: ${quoted(r.event.payload)}\n`);
  }
  return EXIT.CONFORMANT;
}

export async function runTransaction(kind: 'invoke' | 'query', argv: string[]): Promise<number> {
  const a = splitArgs(argv, TX_FLAGS);
  const [fn, ...args] = a.rest;
  if (fn === undefined) throw new UsageError(`${kind} needs a function: ${kind} <package> fn [args...]`);
  const transient = transientOf(a.own.get('transient') as string | undefined);
  const state = await readStateOption(a.own.get('state'));
  const launched = await launchForTransactions(a.check);
  if (!launched) return EXIT.NON_CONFORMANT;
  try {
    seedState(launched, state);
    const mspId = (a.own.get('msp') as string | undefined) ?? launched.session.msp.mspId;
    if (mspId !== launched.session.msp.mspId) throw new UsageError(`--msp ${mspId}: this run's test MSP is ${launched.session.msp.mspId}`);
    const r = await launched.peer.propose({
      channelId: launched.session.config.channelId,
      chaincodeName: launched.chaincodeName,
      args: [fn, ...args].map((x) => Buffer.from(x, 'utf8')),
      isInit: a.own.get('isInit') === true,
      creator: launched.session.msp.user((a.own.get('user') as string | undefined) ?? 'User1'),
      commit: kind === 'invoke',
      ...(transient ? { transient } : {}),
    });
    await saveState(launched, a.own.get('save-state'));
    return printResult(kind, r, a.own.get('json') === true);
  } finally {
    await launched.close();
  }
}

export function runInvokeCommand(argv: string[]): Promise<number> {
  return runTransaction('invoke', argv);
}
