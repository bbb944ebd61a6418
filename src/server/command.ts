import { spawn, type ChildProcess } from 'node:child_process';
import { lookup, type LookupAddress } from 'node:dns';
import { connect, type LookupFunction } from 'node:net';
import { HARNESS } from '../config/defaults.js';
import { splitAddress } from '../dial/target.js';
import { killAndWait, markedEnv, markedProcesses, newMarker, trackGroup, untrackGroup } from '../session/children.js';
import { joinHostPort } from '../dial/redirect.js';
import { groupListeners } from './listening.js';

/**
 * The chaincode server under test, when the harness starts it (`--command`): a shell command in
 * its own process group, given the package ID and address in the variables the official shims
 * and samples read, stopped as a whole group at the end of the run.
 */

export interface ServerLaunch {
  readonly command: string;
  readonly packageId: string;
  readonly address: string;
  readonly cwd: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly startTimeoutMs?: number;
  /** Called once the command's process exists (before it listens): a caller may go on meanwhile. */
  readonly onSpawn?: () => void;
}

export interface RunningServer {
  readonly pid: number;
  /** Milliseconds from spawn until the address accepted a TCP connection (null if it never did). */
  readonly listeningMs: number | null;
  /** Why it is not usable, when it is not. */
  readonly problem: string | null;
  /** The server command ended before listening (else it did not listen in time, or listens). */
  readonly ended: boolean;
  /** The last lines the server wrote (stdout and stderr, one entry per line), for evidence. */
  output(): string[];
  /** `exit status N` or `signal S` once the command ended, else null. */
  exitStatus(): string | null;
  stop(): Promise<void>;
}

/** The variables a chaincode server reads its package ID and listen address from, across shims and samples. */
export function serverEnvironment(packageId: string, address: string): Record<string, string> {
  return {
    CHAINCODE_ID: packageId,
    CORE_CHAINCODE_ID: packageId,
    CORE_CHAINCODE_ID_NAME: packageId,
    CHAINCODE_SERVER_ADDRESS: address,
    CORE_CHAINCODE_ADDRESS: address,
  };
}

/**
 * dns.lookup, answered once per name and options for the rest of a wait: the wait for a starting
 * server tries to connect every 20 ms, and each try would ask the resolver again. A failed lookup
 * is not kept (the next try asks again).
 */
export function lookupOnce(ask: LookupFunction = lookup as LookupFunction): LookupFunction {
  const answers = new Map<string, Parameters<Parameters<LookupFunction>[2]>>();
  return (hostname, options, callback) => {
    const key = `${hostname}\0${JSON.stringify(options)}`;
    const known = answers.get(key);
    if (known) {
      process.nextTick(() => callback(...known));
      return;
    }
    ask(hostname, options, (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => {
      const answer = [err, address, family] as Parameters<Parameters<LookupFunction>[2]>;
      if (!err) answers.set(key, answer);
      callback(...answer);
    });
  };
}

function canConnect(host: string, port: number, resolve: LookupFunction): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host, port, lookup: resolve });
    const end = (ok: boolean): void => {
      s.destroy();
      done(ok);
    };
    s.setTimeout(500, () => end(false));
    s.once('connect', () => end(true));
    s.once('error', () => end(false));
  });
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

/** How long a server must listen only elsewhere before the harness calls it wrong (a server may open an admin port first). */
const WRONG_PORT_STABLE_MS = 5_000;
/** When the harness first looks where a starting server listens, then every LOOK_EVERY_MS. */
const FIRST_LOOK_MS = 1_000;
const LOOK_EVERY_MS = 250;

export async function launchServer(l: ServerLaunch): Promise<RunningServer> {
  const started = performance.now();
  const lines: string[] = [];
  const push = (line: string): void => {
    const l = line.replace(/\r$/, '');
    if (l.trim()) lines.push(l);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  /** Output as lines: a line split across chunks is one line; each stream keeps its own partial line. */
  const lineReader = (): { data: (d: Buffer) => void; flush: () => void } => {
    let partial = '';
    return {
      data: (d) => {
        const parts = (partial + d.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        if (partial.length > 64 * 1024) {
          push(partial);
          partial = '';
        }
        for (const line of parts) push(line);
      },
      flush: () => {
        if (partial) push(partial);
        partial = '';
      },
    };
  };
  const out = lineReader();
  const err = lineReader();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(l.baseEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, serverEnvironment(l.packageId, l.address));
  const marker = newMarker();
  const child = spawn('/bin/sh', ['-c', l.command], { cwd: l.cwd, env: markedEnv(env, marker), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  trackGroup(child.pid);
  l.onSpawn?.();
  child.stdout?.on('data', out.data);
  child.stderr?.on('data', err.data);
  child.stdout?.on('end', out.flush);
  child.stderr?.on('end', err.flush);
  let exited: string | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    // 'close': the exit status and the end of both output streams (the last lines are in).
    child.once('close', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit status ${code}`;
      resolve();
    });
    child.once('error', (e) => {
      exited = e.message;
      resolve();
    });
  });

  /** Whether the server exits within `ms`; the timer never outlives the answer (it would hold the CLI open). */
  const exitedWithin = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void exitPromise.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const graceful = await exitedWithin(HARNESS.killGraceMs);
    // Children of the shell may outlive it: the whole group goes, always.
    killGroup(child, 'SIGKILL');
    if (!graceful) await exitedWithin(1_000);
    // and whatever it moved out of its group (setsid, a double fork), found by its marker
    await killAndWait(await markedProcesses(marker), marker);
    untrackGroup(child.pid);
  };

  const hp = splitAddress(l.address);
  const base = { pid: child.pid ?? -1, output: () => [...lines], exitStatus: () => exited, stop };
  if (!hp) return { ...base, listeningMs: null, problem: `cannot wait for '${l.address}': not host:port`, ended: false };
  const deadline = Date.now() + (l.startTimeoutMs ?? HARNESS.serverStartTimeoutMs);
  // Listening elsewhere, unchanged for WRONG_PORT_STABLE_MS: what and since when (Linux /proc; null elsewhere).
  let elsewhere = null as { readonly ports: string; readonly since: number } | null;
  // The first look after FIRST_LOOK_MS: most servers listen within it, and a look costs the CLI's
  // main thread 10-15 ms (the kernel walks its socket tables for /proc/net/tcp and tcp6).
  let nextLook = Date.now() + FIRST_LOOK_MS;
  const resolve = lookupOnce();
  while (Date.now() < deadline) {
    if (exited) return { ...base, listeningMs: null, problem: `the server command ended (${exited}) before listening on ${l.address}`, ended: true };
    if (await canConnect(hp.host, hp.port, resolve)) return { ...base, listeningMs: Math.round(performance.now() - started), problem: null, ended: false };
    if (child.pid !== undefined && Date.now() >= nextLook) {
      nextLook = Date.now() + LOOK_EVERY_MS;
      const ls = await groupListeners(child.pid);
      const ports = ls && ls.length > 0 && !ls.some((x) => x.port === hp.port) ? [...new Set(ls.map((x) => joinHostPort(x.ip, x.port)))].sort().join(', ') : null;
      elsewhere = ports === null ? null : elsewhere?.ports === ports ? elsewhere : { ports, since: Date.now() };
      if (elsewhere && Date.now() - elsewhere.since >= WRONG_PORT_STABLE_MS) {
        return { ...base, listeningMs: null, problem: `the server listens on ${elsewhere.ports}, not on ${l.address} (unchanged for ${WRONG_PORT_STABLE_MS / 1000} s)`, ended: false };
      }
    }
    // An exit is noticed at once, not at the next poll.
    await Promise.race([new Promise((r) => setTimeout(r, 20)), exitPromise]);
  }
  return { ...base, listeningMs: null, problem: `the server did not listen on ${l.address} within ${l.startTimeoutMs ?? HARNESS.serverStartTimeoutMs} ms`, ended: false };
}
