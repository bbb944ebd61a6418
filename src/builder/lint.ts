import { access, constants, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_PROPAGATE, type BuilderProgram, type BuilderSpec } from './runner.js';

/**
 * Builder lint: what can be seen in a builder directory before anything runs, judged against how
 * the peer starts programs (execve of `<path>/bin/<program>` with a pruned environment) and what
 * the stock peer image holds (images/peer/Dockerfile: ubuntu:24.04 plus the peer and the ccaas
 * builder). Pure reading; every observation names its rule (BLD-03, BLD-16..21, DRIFT-19/22).
 */

export interface LintNote {
  readonly rule: string;
  readonly builder: string;
  readonly program: BuilderProgram | null;
  /** failed: the peer would misbehave; info: worth knowing, not a failure. */
  readonly severity: 'failed' | 'info';
  readonly message: string;
}

/** How many arguments the peer passes each program (BLD-03). */
export const PEER_ARGC: Readonly<Record<BuilderProgram, number>> = { detect: 2, build: 3, release: 2, run: 2 };

/** Interpreters a `#!` line may name that the stock peer image (ubuntu:24.04 base) has. */
const IMAGE_INTERPRETERS = new Set(['/bin/sh', '/usr/bin/sh', '/bin/bash', '/usr/bin/bash', '/bin/dash', '/usr/bin/dash', '/usr/bin/env', '/bin/env', '/usr/bin/perl', '/bin/rbash']);
/** Commands the stock peer image lacks that builder scripts commonly call. */
const MISSING_TOOLS = ['jq', 'yq', 'curl', 'wget', 'python', 'python3', 'node', 'npm', 'npx', 'go', 'git', 'docker', 'kubectl', 'openssl', 'zip', 'unzip', 'xxd', 'java', 'make', 'gcc'];
/** Variables a shell sets by itself. */
const SHELL_VARS = new Set(['PWD', 'OLDPWD', 'SHLVL', 'HOSTNAME', 'UID', 'EUID', 'PPID', 'RANDOM', 'LINENO', 'SECONDS', 'IFS', 'PS1', 'PS2', 'PS4', 'OPTARG', 'OPTIND', 'OPTERR', 'REPLY', 'FUNCNAME', 'PIPESTATUS', 'HOSTTYPE', 'MACHTYPE', 'OSTYPE', 'GROUPS', 'BASHPID', 'BASH', 'BASH_SOURCE', 'BASH_LINENO', 'BASH_VERSION', 'BASH_REMATCH', 'BASH_ARGV', 'BASH_ARGC', 'BASH_COMMAND', 'BASH_SUBSHELL', 'BASH_VERSINFO', 'EPOCHSECONDS', 'EPOCHREALTIME', 'SRANDOM', 'COLUMNS', 'LINES', 'HISTFILE']);

export const CCAAS_CONFIG_VAR = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';

const PROGRAMS: readonly BuilderProgram[] = ['detect', 'build', 'release', 'run'];

async function head(file: string, max: number): Promise<Buffer | null> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** What the built-in ccaas builder's detect prints on success: recognises the real binaries. */
export const BUILTIN_CCAAS_MARK = '::Type detected as ccaas';

/** Whether a file holds `needle`, read in chunks (binaries are scanned up to 256 MiB). */
async function fileContains(file: string, needle: string): Promise<boolean> {
  const want = Buffer.from(needle);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const chunk = Buffer.alloc(1024 * 1024 + want.length);
    let carry = 0;
    for (let pos = 0; pos < 256 * 1024 * 1024; ) {
      const { bytesRead } = await fh.read(chunk, carry, chunk.length - carry, pos);
      if (bytesRead === 0) return false;
      const view = chunk.subarray(0, carry + bytesRead);
      if (view.includes(want)) return true;
      pos += bytesRead;
      carry = Math.min(want.length - 1, view.length);
      view.copy(chunk, 0, view.length - carry);
    }
    return false;
  } finally {
    await fh.close();
  }
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A shell script's text without comments and with quoted-heredoc bodies kept (a lint, not a parser). */
function codeLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/(^|\s)#.*$/, '$1'));
}

/** Names the script assigns, reads into, loops over or declares. */
function assignedNames(lines: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) {
    for (const m of l.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)\+?=/g)) out.add(m[1] as string);
    for (const m of l.matchAll(/\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)/g)) for (const n of (m[1] as string).split(/\s+/)) if (n) out.add(n);
    for (const m of l.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) out.add(m[1] as string);
    for (const m of l.matchAll(/\b(?:export|local|declare|readonly|unset)\s+((?:[A-Za-z_][A-Za-z0-9_]*\s*)+)/g)) for (const n of (m[1] as string).split(/\s+/)) if (n) out.add(n);
    for (const m of l.matchAll(/\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1] as string);
  }
  return out;
}

/** `$NAME`, `${NAME}`, `${NAME...}`; `${NAME:-x}` / `${NAME-x}` / `${NAME:=x}` have a fallback and are not listed. */
function referencedNames(lines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  lines.forEach((l, i) => {
    // Single-quoted text is not expanded.
    const s = l.replace(/'[^']*'/g, "''");
    for (const m of s.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)) {
      const name = (m[1] ?? m[3]) as string;
      const rest = m[2] ?? '';
      if (/^:?[-=+]/.test(rest)) continue;
      if (!out.has(name)) out.set(name, i + 1);
    }
  });
  return out;
}

function positionalRefs(lines: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  lines.forEach((l, i) => {
    const s = l.replace(/'[^']*'/g, "''");
    for (const m of s.matchAll(/\$(?:\{([0-9]+)([^}]*)\}|([1-9]))/g)) {
      if (/^:?[-=+]/.test(m[2] ?? '')) continue;
      const n = Number(m[1] ?? m[3]);
      if (!out.has(n)) out.set(n, i + 1);
    }
  });
  return out;
}

function toolsCalled(lines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const re = new RegExp(`(?:^|[;&|(\`{]|\\$\\(|\\bthen\\b|\\bdo\\b|\\belse\\b|\\bexec\\b|\\bif\\b|!)\\s*(?:command\\s+)?(${MISSING_TOOLS.join('|')})(?=\\s|$|;|\\)|\\|)`, 'g');
  lines.forEach((l, i) => {
    const s = l.replace(/'[^']*'/g, "''").replace(/"[^"$`]*"/g, '""');
    for (const m of s.matchAll(re)) if (!out.has(m[1] as string)) out.set(m[1] as string, i + 1);
  });
  return out;
}

/** Lints one configured builder directory (stand-ins for the stock ccaas builder are not linted). */
export async function lintBuilder(b: BuilderSpec, peerCwd: string): Promise<LintNote[]> {
  if (b.launcher) return [];
  const notes: LintNote[] = [];
  const note = (rule: string, program: BuilderProgram | null, severity: LintNote['severity'], message: string): void => {
    notes.push({ rule, builder: b.name, program, severity, message });
  };
  const dir = resolve(peerCwd, b.path);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) {
    note('BLD-16', null, 'failed', `builder '${b.name}': ${b.path} is not a directory here; the peer accepts the configuration anyway (it never checks the path) and every detect fails to start, so the builder never detects`);
    return notes;
  }
  const propagated = new Set([...b.propagateEnvironment, ...DEFAULT_PROPAGATE]);
  for (const program of PROGRAMS) {
    const rel = `bin/${program}`;
    const file = resolve(dir, 'bin', program);
    const st = await stat(file).catch(() => null);
    const optional = program === 'release' || program === 'run';
    if (!st) {
      if (!optional) note('BLD-16', program, 'failed', `builder '${b.name}' has no ${rel}: the peer's ${program === 'detect' ? 'detect fails to start, which it treats as "not detected"' : 'build fails with fork/exec ... no such file or directory'}`);
      continue;
    }
    if (st.isDirectory()) {
      note('BLD-16', program, 'failed', `${rel} of builder '${b.name}' is a directory: ${optional ? (program === 'release' ? 'exec.LookPath rejects it, so the peer skips release silently' : 'the launch fails with fork/exec ... permission denied') : 'the peer cannot exec it (fork/exec ... permission denied)'}`);
      continue;
    }
    if ((st.mode & 0o111) === 0 || !(await isExecutable(file))) {
      const consequence =
        program === 'detect' ? 'the peer treats the start failure (fork/exec ... permission denied) as "not detected", at debug level only'
        : program === 'build' ? "the build fails: external builder '" + b.name + "' failed: fork/exec " + resolve(b.path, 'bin', 'build') + ': permission denied'
        : program === 'release' ? 'exec.LookPath rejects it, so the peer skips release silently (DRIFT-19) and nothing reaches the release directory'
        : 'a launch without connection.json fails: run failed to start: fork/exec ... permission denied';
      note(program === 'release' ? 'DRIFT-19' : 'BLD-16', program, 'failed', `${rel} of builder '${b.name}' is not executable (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): ${consequence}. Fix: chmod +x ${rel}`);
    }
    const bytes = await head(file, 256 * 1024);
    if (!bytes) continue;
    if (bytes.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
      if (!propagated.has(CCAAS_CONFIG_VAR) && (await fileContains(file, CCAAS_CONFIG_VAR))) {
        note('BLD-21', program, 'failed', `${rel} of builder '${b.name}' is a binary that mentions ${CCAAS_CONFIG_VAR}, which is not in the builder's propagateEnvironment: the peer never passes it, so templates in connection.json cannot use it`);
      }
      if (program === 'detect' && (await fileContains(file, BUILTIN_CCAAS_MARK))) {
        note('BLD-15', program, 'info', `bin/detect of builder '${b.name}' is Fabric's built-in ccaas builder (it prints "${BUILTIN_CCAAS_MARK}")`);
      }
      continue;
    }
    if (!(bytes[0] === 0x23 && bytes[1] === 0x21)) {
      note('BLD-18', program, 'failed', `${rel} of builder '${b.name}' has no #! line and is not a binary: execve fails with "exec format error" (a shell would run it; the peer does not)`);
      continue;
    }
    const text = bytes.toString('utf8');
    const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
    if (firstLine.endsWith('\r')) {
      note('BLD-17', program, 'failed', `${rel} of builder '${b.name}' has Windows (CRLF) line endings: the kernel looks for the interpreter "${firstLine.slice(2).trim().split(/\s+/)[0] ?? ''}\\r", so execve fails with "no such file or directory"${program === 'detect' ? ' and the peer treats the builder as not detecting' : ''}. Fix: convert to LF (dos2unix)`);
    } else if (text.includes('\r\n')) {
      note('BLD-17', program, 'failed', `${rel} of builder '${b.name}' has CRLF line endings after its first line: the shell sees a trailing \\r on every command`);
    }
    const shebang = firstLine.replace(/\r$/, '').slice(2).trim();
    const [interp = '', arg = ''] = shebang.split(/\s+/);
    if (interp === '') {
      note('BLD-18', program, 'failed', `${rel} of builder '${b.name}' has an empty #! line: execve fails`);
    } else if (!(await isExecutable(interp))) {
      note('BLD-18', program, 'failed', `${rel} of builder '${b.name}' names the interpreter ${interp}, which does not exist (or is not executable) here: execve fails with "no such file or directory"`);
    } else if (!IMAGE_INTERPRETERS.has(interp)) {
      note('BLD-19', program, 'failed', `${rel} of builder '${b.name}' runs with ${interp}, which the stock peer image (ubuntu:24.04 base) does not have: it works here but not in hyperledger/fabric-peer`);
    }
    if ((interp === '/usr/bin/env' || interp === '/bin/env') && arg && !['sh', 'bash', 'dash', 'perl'].includes(arg)) {
      note('BLD-19', program, 'failed', `${rel} of builder '${b.name}' runs "${arg}" through env: the stock peer image has no ${arg}`);
    }
    if (/(^|\/)bash$/.test(interp) || arg === 'bash') {
      note('BLD-19', program, 'info', `${rel} of builder '${b.name}' needs bash: the Fabric docs say the official peer image lacks it, which was true of the Alpine images up to Fabric 2.4; the Ubuntu-based images since 2.5 have it`);
    }
    const lines = codeLines(text);
    for (const [tool, line] of toolsCalled(lines)) {
      note('BLD-19', program, 'failed', `${rel}:${line} of builder '${b.name}' calls ${tool}, which the stock peer image (ubuntu:24.04 base) does not have${tool === 'jq' ? ' (the Fabric docs\' samples use it and warn about it)' : ''}`);
    }
    const assigned = assignedNames(lines);
    for (const [name, line] of referencedNames(lines)) {
      if (assigned.has(name) || propagated.has(name) || SHELL_VARS.has(name)) continue;
      if (name === CCAAS_CONFIG_VAR) {
        note('BLD-21', program, 'failed', `${rel}:${line} of builder '${b.name}' reads $${name}, which is not in the builder's propagateEnvironment: the peer never passes it`);
        continue;
      }
      note(name === 'ARTIFACTS' ? 'DRIFT-22' : 'BLD-20', program, 'failed', `${rel}:${line} of builder '${b.name}' uses $${name}, which nothing sets: the script does not assign it and the peer passes only ${[...propagated].join(', ')} (when set)${name === 'ARTIFACTS' ? '; the Fabric docs\' sample run script has this bug: the run metadata directory is "$2"' : ''}`);
    }
    for (const [n, line] of positionalRefs(lines)) {
      if (n > PEER_ARGC[program]) note('BLD-03', program, 'failed', `${rel}:${line} of builder '${b.name}' reads $${n}, but the peer passes ${program} only ${PEER_ARGC[program]} arguments (${program === 'detect' ? 'SRC META' : program === 'build' ? 'SRC META BLD' : program === 'release' ? 'BLD RELEASE' : 'BLD RUN_METADATA'}): it is always empty`);
    }
  }
  return notes;
}
