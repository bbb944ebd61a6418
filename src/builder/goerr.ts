/**
 * Go's words for the failures a builder program meets: syscall.Errno texts (Linux), *PathError
 * (`<op> <path>: <errno text>`), *LinkError, *exec.ExitError (`exit status 3`, `signal: killed`)
 * and the start error of os/exec (`fork/exec <path>: permission denied`).
 */

/** syscall.Errno.Error() on Linux for the codes file and process calls can return. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  EXDEV: 'invalid cross-device link',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  ENFILE: 'too many open files in system',
  EMFILE: 'too many open files',
  ETXTBSY: 'text file busy',
  EFBIG: 'file too large',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  ENAMETOOLONG: 'file name too long',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  EDQUOT: 'disk quota exceeded',
  ENOMEM: 'cannot allocate memory',
};

export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** The errno text Go prints for a Node fs/process error. */
export function errnoText(e: unknown): string {
  const code = errnoCode(e);
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  return e instanceof Error ? e.message : String(e);
}

/** A Go *PathError text: `open /x: permission denied`. */
export function pathError(op: string, path: string, e: unknown): string {
  return `${op} ${path}: ${errnoText(e)}`;
}

/** A Go *LinkError text: `symlink old new: file exists`. */
export function linkError(op: string, oldPath: string, newPath: string, e: unknown): string {
  return `${op} ${oldPath} ${newPath}: ${errnoText(e)}`;
}

/** An error whose message is already Go's text, so it travels through catch blocks unchanged. */
export class GoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoError';
  }
}

/** Go's syscall.Signal strings, as `*exec.ExitError` prints them (`signal: <name>`). */
const GO_SIGNAL_NAMES: Readonly<Record<string, string>> = {
  SIGABRT: 'aborted', SIGALRM: 'alarm clock', SIGBUS: 'bus error', SIGFPE: 'floating point exception',
  SIGHUP: 'hangup', SIGILL: 'illegal instruction', SIGINT: 'interrupt', SIGKILL: 'killed', SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit', SIGSEGV: 'segmentation fault', SIGTERM: 'terminated', SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1', SIGUSR2: 'user defined signal 2', SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded', SIGSYS: 'bad system call', SIGPROF: 'profiling timer expired',
  SIGVTALRM: 'virtual timer expired', SIGSTKFLT: 'stack fault', SIGPWR: 'power failure', SIGCHLD: 'child exited',
  SIGCONT: 'continued', SIGSTOP: 'stopped (signal)', SIGTSTP: 'stopped', SIGTTIN: 'stopped (tty input)',
  SIGTTOU: 'stopped (tty output)', SIGURG: 'urgent I/O condition', SIGWINCH: 'window changed', SIGIO: 'I/O possible',
};

/** `*exec.ExitError` text for a finished process, or null when it exited 0. */
export function goExitError(exitCode: number | null, signal: string | null): string | null {
  if (signal) return `signal: ${GO_SIGNAL_NAMES[signal] ?? signal}`;
  if (exitCode !== null && exitCode !== 0) return `exit status ${exitCode}`;
  return null;
}

/** The error of exec.Cmd.Start for a program that cannot be started. */
export function goStartError(file: string, e: unknown): string {
  return `fork/exec ${file}: ${errnoText(e)}`;
}
