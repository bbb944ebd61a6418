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
