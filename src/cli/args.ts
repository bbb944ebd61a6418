import { UsageError } from './exit.js';

/**
 * A small, strict argv parser: declared flags only, repeatable where declared, values required
 * where declared. Unknown flags are usage errors (exit 2), never silently ignored.
 */

export interface FlagSpec {
  readonly kind: 'boolean' | 'string' | 'list';
  readonly alias?: string;
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
    const s = spec[name];
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
    if (s.kind === 'list') {
      const prev = flags.get(name);
      flags.set(name, [...(Array.isArray(prev) ? prev : []), value]);
    } else flags.set(name, value);
  }
  return { positionals, flags };
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

export function positiveInt(p: Parsed, name: string): number | null {
  const v = str(p, name);
  if (v === null) return null;
  if (!/^[0-9]+$/.test(v) || Number(v) <= 0) throw new UsageError(`option --${name} takes a positive whole number of milliseconds, not '${v}'`);
  return Number(v);
}
