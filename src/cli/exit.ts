/** Exit codes of every ccaas-conformance command (documented in the README). */
export const EXIT = {
  /** The real peer would accept the package and the server (every MUST rule passed). */
  CONFORMANT: 0,
  /** At least one MUST rule failed (or could not be judged because an earlier one failed). */
  NON_CONFORMANT: 1,
  /** Bad usage or unreadable input (e.g. the package file does not exist). */
  USAGE: 2,
  /** The harness itself failed. */
  HARNESS_ERROR: 3,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Unreadable input or an unusable place for the reports: one line, exit 2, no usage text. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Exit codes on a signal (128 + its number, as shells report them). */
export const SIGNAL_EXIT: Readonly<Record<'SIGHUP' | 'SIGINT' | 'SIGTERM', number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** How long the process may stay alive after its command is done, before exitAfterRun ends it. */
export const EXIT_GRACE_MS = 5_000;

/**
 * Ends the process with `code` once its command is done. Normally the event loop drains and the
 * process exits at once; a handle something forgot to close (a socket, a timer) must not keep a
 * finished run alive, so an unref'd timer (it keeps nothing alive itself) ends the process after
 * the grace period and says why on stderr.
 */
export function exitAfterRun(code: number, graceMs = EXIT_GRACE_MS): void {
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write(`ccaas-conformance: the run was over, but something kept the process alive for ${graceMs} ms; exiting\n`);
    process.exit(code);
  }, graceMs).unref();
}
