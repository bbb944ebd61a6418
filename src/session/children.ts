import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Every process this harness starts, and every process those start. Builder programs and the
 * `--command` server each lead their own process group, killed as a whole; a descendant that
 * leaves the group (`setsid`, a double fork into a new session) escapes that kill. So each child
 * also gets one environment variable, `CCAAS_CONFORMANCE_CHILD=<run>.<n>`, which its descendants
 * inherit; a scan of /proc/<pid>/environ finds them wherever they moved.
 *
 * The marker is the only thing the harness adds to a builder's pruned environment (the peer
 * passes only propagateEnvironment plus PATH, LD_LIBRARY_PATH, LIBPATH and TMPDIR): it is left out
 * of the environment the reports show and no rule looks at it, so no verdict changes; a builder
 * that lists its whole environment sees one variable more than under the real peer.
 *
 * What cannot be tracked: a descendant that clears or rewrites its environment (`env -i`), and
 * any descendant on a system without /proc (`markerTracking()` says so; the report repeats it).
 */

export const MARKER_VAR = 'CCAAS_CONFORMANCE_CHILD';

/** This harness process's own part of every marker: unique per run, so concurrent runs never kill each other's children. */
const RUN = `${process.pid}-${randomBytes(6).toString('hex')}`;
let counter = 0;

/** Process groups started by this run and not yet reaped. */
const groups = new Set<number>();

/** A fresh marker for one child (a builder program or the server command). */
export function newMarker(): string {
  counter += 1;
  return `${RUN}.${counter}`;
}

/** The environment a child gets: `env` plus the marker variable. */
export function markedEnv(env: Readonly<Record<string, string>>, marker: string): Record<string, string> {
  return { ...env, [MARKER_VAR]: marker };
}

/** Set once the run is being stopped: a child started after that is killed at once. */
let refusing = false;

export function trackGroup(pgid: number | undefined | null): void {
  if (typeof pgid !== 'number' || pgid <= 0) return;
  groups.add(pgid);
  if (refusing) killGroupsNow();
  for (const notify of waiting.splice(0)) notify();
}

/** Callers of `nextChild`, told at the next start. */
const waiting: Array<() => void> = [];

/** Resolves when the next child starts (a scheduling hint: callers race it with what starts it). */
export function nextChild(): Promise<void> {
  return new Promise((resolve) => waiting.push(resolve));
}

/** From now on every child is killed as soon as it starts (the run is being interrupted). */
export function refuseNewChildren(): void {
  refusing = true;
}

export function untrackGroup(pgid: number | undefined | null): void {
  if (typeof pgid === 'number') groups.delete(pgid);
}

/** Whether descendants can be found by their marker here (Linux /proc), and why not when not. */
export async function markerTracking(): Promise<{ readonly possible: boolean; readonly why: string }> {
  try {
    await readFile(`/proc/${process.pid}/environ`);
    return { possible: true, why: 'every descendant is found by the marker variable in /proc/<pid>/environ' };
  } catch {
    return { possible: false, why: `this system (${process.platform}) has no readable /proc/<pid>/environ, so a process a builder moves out of its process group (setsid, double fork) cannot be found and may outlive the run` };
  }
}

const MARKER_BYTES = Buffer.from(`${MARKER_VAR}=`);

/**
 * Live processes carrying a marker that starts with `prefix` (one child's marker, or this whole
 * run's when omitted). Zombies are skipped: they run nothing and their parent reaps them.
 */
export async function markedProcesses(prefix: string = RUN): Promise<number[]> {
  return (await marked(prefix)).map((x) => x.pid);
}

/** Processes carrying `marker` outside process group `pgid`: they left it (setsid, a new group). */
export async function escapedFrom(marker: string, pgid: number): Promise<number[] | null> {
  if (!(await markerTracking()).possible) return null;
  return (await marked(marker)).filter((x) => x.pgid !== pgid).map((x) => x.pid);
}

/**
 * One pass over /proc. The reads are synchronous: /proc answers from memory, and a promise per
 * file (two per process) cost this scan ten times the CPU on a run's critical path (issue 13).
 */
async function marked(prefix: string): Promise<Array<{ pid: number; pgid: number }>> {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const wanted = Buffer.from(`${MARKER_VAR}=${prefix}`);
  const found: Array<{ pid: number; pgid: number }> = [];
  for (const n of names) {
    if (!/^[0-9]+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${n}/environ`);
      let at = env.indexOf(MARKER_BYTES);
      while (at >= 0) {
        if ((at === 0 || env[at - 1] === 0) && env.subarray(at, at + wanted.length).equals(wanted)) {
          const next = env[at + wanted.length];
          // `<run>.1` must not match `<run>.10`
          if (next === 0 || next === undefined || prefix === RUN) {
            const stat = readFileSync(`/proc/${n}/stat`, 'latin1');
            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
            const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            if (rest[0] !== 'Z') found.push({ pid: Number(n), pgid: Number(rest[2]) });
          }
          break;
        }
        at = env.indexOf(MARKER_BYTES, at + 1);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found.sort((a, b) => a.pid - b.pid);
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILLs the given processes and waits (up to ~1 s) until /proc no longer shows them alive. */
export async function killAndWait(pids: readonly number[], prefix?: string): Promise<void> {
  for (const p of pids) kill(p, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    const left = await markedProcesses(prefix);
    if (left.length === 0) return;
    for (const p of left) kill(p, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Stops everything this run started: every tracked process group, then every process still
 * carrying this run's marker. Returns how many groups and stray processes were killed.
 */
export async function killEverything(): Promise<{ groups: number; strays: number }> {
  const g = [...groups];
  groups.clear();
  for (const pgid of g) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  const strays = await markedProcesses();
  await killAndWait(strays);
  return { groups: g.length, strays: strays.length };
}

/** Synchronous last resort (process 'exit'): SIGKILL every tracked group. */
export function killGroupsNow(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  groups.clear();
}
