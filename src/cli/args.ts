import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './exit.js';

/**
 * A small, strict argv parser: declared flags only, repeatable where declared, values required
 * where declared, each value checked as it is read. Unknown flags are usage errors (exit 2), never
 * silently ignored. The flags themselves, with their help, are declared in src/cli/flags.ts.
 *
 * Node's util.parseArgs was considered and not used: it refuses a value that starts with '-'
 * (`--smoke "-x"`, `--tags "-@x"` need `=`), has no single-dash long names, and words its own
 * errors; this parser keeps the harness's behaviour and messages exactly.
 */

export interface FlagSpec {
  readonly kind: 'boolean' | 'string' | 'list';
  /** A one-letter alternative (`-q`, `-o`). */
  readonly alias?: string;
  /** Why a value is wrong (the words after `option --name `), or null when it is fine. */
  readonly check?: (value: string) => string | null;
  /** The value names a file or directory that must be readable: checked up front by checkPaths. */
  readonly path?: 'file' | 'any';
}

export interface Parsed {
  readonly positionals: string[];
  readonly flags: Map<string, string | boolean | string[]>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string | boolean | string[]>();
  const byAlias = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.alias) byAlias.set(s.alias, name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const rawName = a.startsWith('--') ? a.slice(2, eq > 0 ? eq : undefined) : (byAlias.get(a.slice(1)) ?? a.slice(1));
    const name = byAlias.get(rawName) ?? rawName;
    const s = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!s) throw new UsageError(`unknown option ${a}`);
    if (s.kind === 'boolean') {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option --${name} needs a value`);
      value = next;
      i++;
    }
    const wrong = s.check?.(value) ?? null;
    if (wrong !== null) throw new UsageError(`option --${name} ${wrong}`);
    if (s.kind === 'list') {
      const prev = flags.get(name);
      flags.set(name, [...(Array.isArray(prev) ? prev : []), value]);
    } else flags.set(name, value);
  }
  return { positionals, flags };
}

/** Why a path cannot be read as `want`, in a few words, or null when it can. */
export async function unreadable(path: string, want: 'file' | 'any'): Promise<string | null> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) return errnoWords(st);
  if (want === 'file' && st.isDirectory()) return 'is a directory, not a file';
  if (st.isDirectory()) return null;
  try {
    await (await open(path, 'r')).close();
    return null;
  } catch (e) {
    return errnoWords(e as NodeJS.ErrnoException);
  }
}

function errnoWords(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return e.code ?? e.message;
  }
}

/** Every path-valued flag given, checked to be readable: one usage error for the first that is not. */
export async function checkPaths(p: Parsed, spec: Readonly<Record<string, FlagSpec>>): Promise<void> {
  for (const [name, s] of Object.entries(spec)) {
    if (!s.path) continue;
    const v = p.flags.get(name);
    for (const value of Array.isArray(v) ? v : typeof v === 'string' ? [v] : []) {
      const why = await unreadable(resolve(value), s.path);
      if (why !== null) throw new UsageError(`cannot read --${name} ${value}: ${why}`);
    }
  }
}

export function str(p: Parsed, name: string): string | null {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : null;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.flags.get(name);
  return Array.isArray(v) ? v : [];
}

export function bool(p: Parsed, name: string): boolean {
  return p.flags.get(name) === true;
}

/** A count, or a size with an optional binary K, M or G suffix (`sizes`); positive, else a usage error. */
export function quantity(p: Parsed, name: string, sizes: boolean): number | null {
  const v = str(p, name);
  if (v === null) return null;
  const m = (sizes ? /^([0-9]+)([KMG]?)$/i : /^([0-9]+)()$/).exec(v);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`option --${name} takes a positive whole number${sizes ? ' (K, M or G for binary multiples)' : ''}, not '${v}'`);
  return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
}

/** The longest wait Node's timers keep (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a duration in milliseconds is wrong, or null. */
export function millisecondsProblem(v: string): string | null {
  if (!/^[0-9]+$/.test(v) || Number(v) <= 0) return `takes a positive whole number of milliseconds, not '${v}'`;
  if (Number(v) > MAX_TIMER_MS) return `takes at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest wait Node's timers keep), not '${v}'`;
  return null;
}

export function positiveInt(p: Parsed, name: string): number | null {
  const v = str(p, name);
  if (v === null) return null;
  const wrong = millisecondsProblem(v);
  if (wrong !== null) throw new UsageError(`option --${name} ${wrong}`);
  return Number(v);
}
