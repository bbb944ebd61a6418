import { spawn } from 'node:child_process';
import { open, readdir, readFile } from 'node:fs/promises';
import { HARNESS } from '../config/defaults.js';
import { goExitError, goStartError } from './goerr.js';
import { learnPrivateKeys } from '../report/knownKeys.js';
import { escapedFrom, killAndWait, markedEnv, newMarker, trackGroup, untrackGroup } from '../session/children.js';

/**
 * Runs one builder program the way the peer's `externalbuilder.Session` does (execve of the
 * program path, stdin /dev/null, stdout discarded by the peer, stderr read line by line with a
 * bufio.Scanner, then Wait), plus the protection the peer lacks: a deadline, the program's whole
 * process group killed, captured output capped. It also works out what the peer would have done
 * with the same program: cut its log at a 64 KiB line, block on a full stderr pipe, or wait for a
 * process left behind holding stderr open.
 */

/** bufio.MaxScanTokenSize: the longest stderr line the peer's scanner accepts. */
export const PEER_MAX_LINE_BYTES = HARNESS.peerStderrLineLimit;
/** Linux's default pipe capacity: what a program can still write once the peer stopped reading. */
export const PIPE_CAPACITY_BYTES = 64 * 1024;
/** Grace between SIGTERM and SIGKILL for a builder program past its deadline. */
export const BUILDER_KILL_GRACE_MS = 300;
/** Characters of one stderr line kept as evidence. */
const LINE_KEEP = 4096;

export interface PeerLogView {
  /** 0-based index of the first stderr line of 64 KiB or more, where the peer's log copy stops. */
  readonly cutAtLine: number | null;
  /** Length in bytes of that line. */
  readonly cutLineBytes: number;
  /** Bytes written to stderr after the peer's scanner gave up (the pipe holds at most 64 KiB, less when written in small pieces). */
  readonly bytesAfterCut: number;
  /** More than a pipe can ever hold came after the cut: the program blocks writing and the peer waits forever. */
  readonly wouldBlock: boolean;
}

export interface ProgramRun {
  readonly file: string;
  readonly args: readonly string[];
  readonly envKeys: readonly string[];
  readonly cwd: string;
  /** Process id, which is also its process group id (each program leads its own group). */
  readonly pid: number | null;
  /** From start to the program's exit. */
  readonly durationMs: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Go's text for the failure as the peer would print it (`exit status 3`, `signal: killed`, `fork/exec <path>: permission denied`), or null on success. */
  readonly goError: string | null;
  /** The program could not be started (goError is then Go's start error). */
  readonly startFailed: boolean;
  /** The harness's deadline passed: the peer, which has none, would still be waiting. */
  readonly timedOut: boolean;
  /** SIGTERM to the group was not enough; SIGKILL was needed. */
  readonly ignoredSigterm: boolean;
  /** The program exited but stderr stayed open (a process it left behind holds it). */
  readonly stderrHeldOpen: boolean;
  /** Processes still in the program's group when it exited (killed by the harness; the peer would leave them). */
  readonly leftovers: number;
  /**
   * Descendants that left the program's process group (setsid, a double fork into a new session),
   * found by the marker variable in their environment and killed (src/session/children.ts); null
   * where the system gives no way to find them (no /proc).
   */
  readonly escaped: number | null;
  /** The peer discards stdout; kept here as evidence. */
  readonly stdout: string;
  readonly stdoutBytes: number;
  readonly stderrLines: readonly string[];
  readonly stderrBytes: number;
  /** Length in bytes of the longest stderr line. */
  readonly longestStderrLine: number;
  readonly peerLog: PeerLogView;
  /** Some output was not kept (over the capture cap). */
  readonly truncated: boolean;
}

export interface RunOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly cwd: string;
  readonly maxCaptureBytes?: number;
  readonly killGraceMs?: number;
  /**
   * How long stderr may stay open once the program exited before it counts as held open. Default:
   * until the deadline, as the peer waits for EOF on stderr whatever holds it.
   */
  readonly drainMs?: number;
}

/**
 * execve would refuse a file that is neither a `#!` script nor an ELF binary (ENOEXEC: Go says
 * `exec format error`), but Node's spawn goes through execvp, whose fallback runs such a file
 * with /bin/sh. Checked first so that the harness sees what the peer sees.
 */
async function execFormatError(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return false; // spawn reports the real error
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || (st.mode & 0o111) === 0) return false;
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x23 && head[1] === 0x21) return false;
    if (bytesRead === 4 && head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return false;
    return true;
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

function killGroup(pid: number | null, sig: NodeJS.Signals): void {
  if (pid === null) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is already gone
  }
}

/** Processes whose process group is `pgid` (Linux /proc; elsewhere none are seen). */
export async function processesInGroup(pgid: number): Promise<number[]> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return []; // no process is left in the group
  }
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  await Promise.all(
    names
      .filter((n) => /^[0-9]+$/.test(n))
      .map(async (n) => {
        try {
          const stat = await readFile(`/proc/${n}/stat`, 'latin1');
          // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
          const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (rest[0] !== 'Z' && Number(rest[2]) === pgid) found.push(Number(n));
        } catch {
          // gone meanwhile
        }
      }),
  );
  return found.sort((a, b) => a - b);
}

/** Splits stderr into lines as bufio.ScanLines does, on bytes, keeping what the evidence needs. */
class StderrLines {
  readonly lines: string[] = [];
  bytes = 0;
  longest = 0;
  truncated = false;
  cutAtLine: number | null = null;
  cutLineBytes = 0;
  private lineIndex = 0;
  /** Bytes the peer's scanner had consumed when it gave up. */
  consumedAtCut = 0;
  private partial: Buffer[] = [];
  private partialKept = 0;
  private partialLen = 0;
  private lineStart = 0;
  private keptBytes = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl < 0 ? chunk.length : nl;
      this.take(chunk.subarray(from, end));
      if (nl < 0) break;
      this.endLine();
      from = nl + 1;
    }
    this.bytes += chunk.length;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    this.partialLen += part.length;
    if (this.partialKept < LINE_KEEP) {
      const keep = part.subarray(0, LINE_KEEP - this.partialKept);
      this.partial.push(keep);
      this.partialKept += keep.length;
    }
    if (this.cutAtLine === null && this.partialLen >= PEER_MAX_LINE_BYTES) {
      this.cutAtLine = this.lineIndex;
      this.consumedAtCut = this.lineStart + PEER_MAX_LINE_BYTES;
    }
  }

  private endLine(): void {
    const len = this.partialLen;
    this.longest = Math.max(this.longest, len);
    if (this.cutAtLine === this.lineIndex) this.cutLineBytes = len;
    this.lineIndex++;
    let text = Buffer.concat(this.partial).toString('utf8');
    if (len > LINE_KEEP) text = `${text}… (${len} bytes)`;
    else if (text.endsWith('\r')) text = text.slice(0, -1); // ScanLines drops a trailing CR
    if (this.keptBytes + text.length <= this.cap) {
      this.lines.push(text);
      this.keptBytes += text.length;
    } else {
      this.truncated = true;
    }
    this.lineStart += len + 1;
    this.partial = [];
    this.partialKept = 0;
    this.partialLen = 0;
  }

  /** The last, unterminated line (ScanLines returns it at EOF). */
  finish(): void {
    if (this.partialLen > 0) this.endLine();
  }
}

/** Runs `file args...` and resolves when it is over; never rejects. */
export async function runProgram(file: string, args: readonly string[], opts: RunOptions): Promise<ProgramRun> {
  const cap = opts.maxCaptureBytes ?? HARNESS.maxCapturedBytes;
  const grace = opts.killGraceMs ?? BUILDER_KILL_GRACE_MS;
  const drain = opts.drainMs ?? null;
  const envKeys = Object.keys(opts.env).sort();
  const started = performance.now();
  const base = { file, args, envKeys, cwd: opts.cwd };
  const empty = { stdout: '', stdoutBytes: 0, stderrLines: [], stderrBytes: 0, longestStderrLine: 0, peerLog: { cutAtLine: null, cutLineBytes: 0, bytesAfterCut: 0, wouldBlock: false }, truncated: false };

  if (await execFormatError(file)) {
    return { ...base, ...empty, pid: null, durationMs: 0, exitCode: null, signal: null, goError: goStartError(file, { code: 'ENOEXEC' }), startFailed: true, timedOut: false, ignoredSigterm: false, stderrHeldOpen: false, leftovers: 0, escaped: 0 };
  }

  return new Promise((resolve) => {
    const stderr = new StderrLines(cap);
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutTruncated = false;
    let timedOut = false;
    let ignoredSigterm = false;
    let stderrHeldOpen = false;
    let stderrEnded = false;
    let settled = false;
    let exit: { code: number | null; signal: string | null; at: number } | null = null;
    let startError: unknown = null;
    const timers: NodeJS.Timeout[] = [];

    const marker = newMarker();
    const child = spawn(file, [...args], { cwd: opts.cwd, env: markedEnv(opts.env, marker), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = child.pid ?? null;
    trackGroup(pid);

    const finish = async (): Promise<void> => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      // Whatever the program left in its group is counted, then dies with it.
      const left = pid === null ? [] : (await processesInGroup(pid)).filter((p) => p !== pid);
      killGroup(pid, 'SIGKILL');
      // SIGKILL is delivered asynchronously: wait (briefly) until nothing of the group runs.
      for (let i = 0; left.length > 0 && pid !== null && i < 100 && (await processesInGroup(pid)).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
      // Whatever left the group (setsid, a double fork) still carries the marker: found, counted, killed.
      const escaped = pid === null ? [] : await escapedFrom(marker, pid);
      if (escaped && escaped.length > 0) await killAndWait(escaped, marker);
      untrackGroup(pid);
      child.stdout?.destroy();
      child.stderr?.destroy();
      stderr.finish();
      // A key the program printed is remembered, so that every encoding of it is redacted everywhere.
      const stdoutText = Buffer.concat(stdoutChunks).toString('utf8');
      learnPrivateKeys(stdoutText);
      learnPrivateKeys(stderr.lines.join('\n'));
      const durationMs = Math.round((exit?.at ?? performance.now()) - started);
      const cutAt = stderr.cutAtLine;
      resolve({
        ...base,
        pid,
        durationMs,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        goError: startError !== null ? goStartError(file, startError) : exit ? goExitError(exit.code, exit.signal) : 'signal: killed',
        startFailed: startError !== null,
        timedOut,
        ignoredSigterm,
        stderrHeldOpen,
        leftovers: left.length,
        escaped: escaped ? escaped.length : null,
        stdout: stdoutText,
        stdoutBytes,
        stderrLines: stderr.lines,
        stderrBytes: stderr.bytes,
        longestStderrLine: stderr.longest,
        peerLog: { cutAtLine: cutAt, cutLineBytes: stderr.cutLineBytes, bytesAfterCut: cutAt === null ? 0 : stderr.bytes - stderr.consumedAtCut, wouldBlock: cutAt !== null && stderr.bytes - stderr.consumedAtCut > PIPE_CAPACITY_BYTES },
        truncated: stderr.truncated || stdoutTruncated,
      });
    };

    timers.push(
      setTimeout(() => {
        if (exit && stderrEnded) return;
        timedOut = exit === null;
        if (exit) stderrHeldOpen = true;
        killGroup(pid, 'SIGTERM');
        timers.push(
          setTimeout(() => {
            if (!exit) ignoredSigterm = true;
            killGroup(pid, 'SIGKILL');
            // A process that escaped the group may still hold the pipes: stop waiting for them.
            timers.push(setTimeout(() => void finish(), 1_000));
          }, grace),
        );
      }, opts.timeoutMs),
    );

    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      const room = cap - (stdoutBytes - d.length);
      if (room > 0) stdoutChunks.push(room >= d.length ? d : d.subarray(0, room));
      if (stdoutBytes > cap) stdoutTruncated = true;
    });
    child.stdout.on('error', () => undefined);
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.stderr.on('error', () => undefined);
    child.stderr.once('close', () => {
      stderrEnded = true;
      if (exit) void finish();
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      startError = e;
      void finish();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: performance.now() };
      if (stderrEnded) {
        void finish();
        return;
      }
      // The peer reads stderr to EOF before Wait: a process left holding it keeps the peer waiting,
      // so the harness waits too, until its deadline (or drainMs when given).
      if (drain !== null) {
        timers.push(
          setTimeout(() => {
            if (!stderrEnded) stderrHeldOpen = true;
            void finish();
          }, drain),
        );
      }
    });
  });
}
