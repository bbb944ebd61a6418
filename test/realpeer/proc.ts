import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';

/**
 * Child processes of the real-peer network: every one runs in its own process group, has a
 * deadline, and dies with its group (SIGTERM, then SIGKILL after a grace period).
 */

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** True when the deadline killed it. */
  readonly timedOut: boolean;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly input?: Buffer;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone */
  }
}

/** Runs a program to completion (or its deadline, which kills its whole group). */
export function run(cmd: string, args: readonly string[], o: RunOptions): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: [o.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (o.input) child.stdin?.end(o.input);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 3_000).unref();
    }, o.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, signal: null, stdout, stderr: `${stderr}${e.message}`, ms: Math.round(performance.now() - started), timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // whatever it left in its group goes with it
      killGroup(child, 'SIGKILL');
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started), timedOut });
    });
  });
}

/** A long-running program (orderer, peer) writing its output to a log file. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** True once the process exited. */
  exited(): boolean;
  /** Stops the whole process group: SIGTERM, SIGKILL after `graceMs`. Resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Process groups of the daemons still running: killed when this process exits or is told to stop. */
const live = new Set<number>();
/** Directories to remove when this process exits before removing them itself. */
const dirs = new Set<string>();
let guarded = false;

/** Removes `dir` if this process exits (or is stopped by a signal) before `forget(dir)`. */
export function removeOnExit(dir: string): { forget(): void } {
  guard();
  dirs.add(dir);
  return { forget: () => void dirs.delete(dir) };
}

function killLive(): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

/** The daemons run in their own process groups, so a test killed by a signal must take them along. */
function guard(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', killLive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killLive();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function startDaemon(name: string, cmd: string, args: readonly string[], o: { readonly cwd?: string; readonly env: NodeJS.ProcessEnv; readonly logFile: string }): Daemon {
  const log: WriteStream = createWriteStream(o.logFile, { flags: 'a' });
  const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let done = false;
  guard();
  if (child.pid !== undefined) live.add(child.pid);
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => {
      done = true;
      if (child.pid !== undefined) live.delete(child.pid);
      log.end();
      resolve();
    });
    child.on('error', () => {
      done = true;
      log.end();
      resolve();
    });
  });
  return {
    name,
    pid: child.pid ?? -1,
    logFile: o.logFile,
    exited: () => done,
    stop: async (graceMs = 5_000) => {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await closed;
      clearTimeout(t);
      killGroup(child, 'SIGKILL');
    },
  };
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null> | T | null, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
