import { spawn } from 'node:child_process';
import { HARNESS } from '../config/defaults.js';

/**
 * Runs one builder program the way the peer's `externalbuilder.Session` does (execve, stdin
 * /dev/null, stdout discarded by the peer, stderr logged line by line), plus the protection the
 * peer lacks: a timeout, a process group killed as a whole, and capped capture.
 */

export interface ProgramRun {
  readonly file: string;
  readonly args: readonly string[];
  readonly envKeys: readonly string[];
  readonly cwd: string;
  readonly durationMs: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Go's text for the failure as the peer would print it (`exit status 3`, `signal: killed`, `fork/exec <path>: permission denied`), or null on success. */
  readonly goError: string | null;
  readonly timedOut: boolean;
  /** The peer discards stdout; kept here as evidence. */
  readonly stdout: string;
  readonly stderrLines: readonly string[];
  /** Length of the longest stderr line (the peer's log copy stops at 64 KiB). */
  readonly longestStderrLine: number;
  readonly truncated: boolean;
}

export interface RunOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly cwd: string;
  readonly maxCaptureBytes?: number;
}

/** Go's syscall.Signal strings, as `*exec.ExitError` prints them (`signal: <name>`). */
const GO_SIGNAL_NAMES: Readonly<Record<string, string>> = {
  SIGABRT: 'aborted', SIGALRM: 'alarm clock', SIGBUS: 'bus error', SIGFPE: 'floating point exception',
  SIGHUP: 'hangup', SIGILL: 'illegal instruction', SIGINT: 'interrupt', SIGKILL: 'killed', SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit', SIGSEGV: 'segmentation fault', SIGTERM: 'terminated', SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1', SIGUSR2: 'user defined signal 2', SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded', SIGSYS: 'bad system call',
};

/** Go's syscall.Errno strings for the start errors a builder can hit. */
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied', ENOENT: 'no such file or directory', ENOEXEC: 'exec format error',
  ENOTDIR: 'not a directory', E2BIG: 'argument list too long', ETXTBSY: 'text file busy', ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a directory',
};

export function goStartError(file: string, code: string | undefined, message: string): string {
  const text = code ? GO_ERRNO_TEXT[code] : undefined;
  return `fork/exec ${file}: ${text ?? message}`;
}

export function goExitError(exitCode: number | null, signal: string | null): string | null {
  if (signal) return `signal: ${GO_SIGNAL_NAMES[signal] ?? signal}`;
  if (exitCode !== null && exitCode !== 0) return `exit status ${exitCode}`;
  return null;
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is already gone
  }
}

/** Runs `file args...`; never rejects. */
export function runProgram(file: string, args: readonly string[], opts: RunOptions): Promise<ProgramRun> {
  const cap = opts.maxCaptureBytes ?? HARNESS.maxCapturedBytes;
  const started = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stdoutBytes = 0;
    let stderrBuf = '';
    const stderrLines: string[] = [];
    let stderrBytes = 0;
    let longest = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;
    let exit: { code: number | null; signal: string | null } | null = null;
    let startError: string | null = null;

    const child = spawn(file, [...args], { cwd: opts.cwd, env: { ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      // Whatever the program left behind in its group dies with it.
      killGroup(child.pid, 'SIGKILL');
      if (stderrBuf.length > 0) {
        longest = Math.max(longest, stderrBuf.length);
        stderrLines.push(stderrBuf.slice(0, 4096));
      }
      resolve({
        file,
        args,
        envKeys: Object.keys(opts.env).sort(),
        cwd: opts.cwd,
        durationMs: Math.round(performance.now() - started),
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        goError: startError ?? (exit ? goExitError(exit.code, exit.signal) : 'signal: killed'),
        timedOut,
        stdout,
        stderrLines,
        longestStderrLine: longest,
        truncated,
      });
    };

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), HARNESS.killGraceMs).unref();
    }, opts.timeoutMs);
    let drainTimer: NodeJS.Timeout | undefined;

    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      if (stdoutBytes <= cap) stdout += d.toString('utf8');
      else truncated = true;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderrBytes += d.length;
      const text = stderrBuf + d.toString('utf8');
      const parts = text.split('\n');
      stderrBuf = parts.pop() ?? '';
      for (const line of parts) {
        longest = Math.max(longest, line.length);
        if (stderrBytes <= cap) stderrLines.push(line.length > 4096 ? `${line.slice(0, 4096)}… (${line.length} bytes)` : line);
        else truncated = true;
      }
      if (stderrBuf.length > cap) {
        longest = Math.max(longest, stderrBuf.length);
        stderrBuf = stderrBuf.slice(-4096);
        truncated = true;
      }
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      startError = goStartError(file, e.code, e.message);
      finish();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Let the pipes drain, but not forever: a grandchild may hold them open.
      drainTimer = setTimeout(finish, 200);
    });
    child.once('close', () => finish());
  });
}
