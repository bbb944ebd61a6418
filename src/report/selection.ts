import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRule } from '../catalogue/index.js';

/**
 * Which rules a run judges (`--run`, `--skip` rule-id patterns, on top of `--tags`) and which
 * failures it expects (`--expected-failures FILE`). Parsing and matching are pure; only
 * `featureRuleIds` reads the bundled feature files.
 */

/** Rule ids tagged on scenarios of the feature files in `dir` (the rules a run can judge). */
export function featureRuleIds(dir: string): string[] {
  const ids = new Set<string>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.feature')) continue;
    for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/@([A-Z]+(?:-[A-Z]+)?-\d+)\b/g)) {
      if (findRule(m[1] as string)) ids.add(m[1] as string);
    }
  }
  return [...ids];
}

export class SelectionError extends Error {}

/** `PKG-*`, `dial-0?`, `PROTO-04`, or a family name (`CONN` = `CONN-*`); commas separate patterns. */
export function splitPatterns(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

export function patternRegExp(pattern: string): RegExp {
  const p = /^[A-Za-z]+(?:-[A-Za-z]+)?$/.test(pattern) ? `${pattern}-*` : pattern;
  if (!/^[A-Za-z0-9*?-]+$/.test(p)) throw new SelectionError(`'${pattern}' is not a rule-id pattern (letters, digits, '-', '*' and '?' only)`);
  const body = p.replace(/[-]/g, '\\-').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export interface Selection {
  /** The rule ids the run judges, in catalogue order of `all`. */
  readonly selected: readonly string[];
  /** A Cucumber tag expression for the selection, or null when every rule is selected. */
  readonly tagExpression: string | null;
}

/** Applies --run (keep only) then --skip (drop) to `all`; a pattern that matches nothing is an error. */
export function selectRules(all: readonly string[], run: readonly string[], skip: readonly string[]): Selection {
  const match = (patterns: readonly string[], flag: string): Set<string> => {
    const out = new Set<string>();
    for (const p of patterns) {
      const re = patternRegExp(p);
      const hit = all.filter((id) => re.test(id));
      if (hit.length === 0) throw new SelectionError(`${flag} ${p} matches no rule with a scenario (see \`ccaas-conformance list\`)`);
      for (const id of hit) out.add(id);
    }
    return out;
  };
  const keep = run.length > 0 ? match(run, '--run') : new Set(all);
  const drop = match(skip, '--skip');
  const selected = all.filter((id) => keep.has(id) && !drop.has(id));
  if (selected.length === 0) throw new SelectionError('--run and --skip leave no rule to judge');
  if (selected.length === all.length) return { selected, tagExpression: null };
  const tag = (ids: readonly string[]): string => `(${ids.map((id) => `@${id}`).join(' or ')})`;
  return { selected, tagExpression: tag(selected) };
}

/** Joins a user's --tags expression with the selection's. */
export function combineTags(user: string | null, selection: string | null): string {
  if (user && selection) return `(${user}) and ${selection}`;
  return user ?? selection ?? '';
}

export interface ExpectedFailure {
  readonly rule: string;
  readonly reason: string | null;
  readonly line: number;
}

/**
 * The expected-failures file: one rule id per line, optionally followed by a reason after
 * whitespace, `:` or `#`; `#` starts a comment; YAML list (`- PKG-07 # reason`) and map
 * (`PKG-07: reason`) forms read the same. Unknown rule ids are errors (a typo would otherwise
 * hide a real failure).
 */
export function parseExpectedFailures(text: string, file: string): ExpectedFailure[] {
  const out: ExpectedFailure[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    let s = raw.trim();
    if (s === '' || s.startsWith('#') || s === '---') return;
    let reason: string | null = null;
    const hash = s.indexOf('#');
    if (hash >= 0) {
      reason = s.slice(hash + 1).trim() || null;
      s = s.slice(0, hash).trim();
    }
    s = s.replace(/^-\s*/, '');
    const m = /^["']?([A-Za-z]+(?:-[A-Za-z]+)?-\d+)["']?\s*(?::\s*|\s+|$)(.*)$/.exec(s);
    if (!m) throw new SelectionError(`${file}:${line}: expected a rule id, got '${raw.trim()}'`);
    const id = (m[1] as string).toUpperCase();
    if (!findRule(id)) throw new SelectionError(`${file}:${line}: unknown rule id ${id} (see \`ccaas-conformance list\`)`);
    const rest = (m[2] ?? '').trim().replace(/^["']|["']$/g, '');
    if (rest) reason = reason ? `${rest} ${reason}` : rest;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ rule: id, reason, line });
  });
  return out;
}

/** The command line without its --run/--skip options (the re-run line adds its own). */
export function withoutSelection(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--run' || a === '--skip') {
      i++;
      continue;
    }
    if (a.startsWith('--run=') || a.startsWith('--skip=')) continue;
    out.push(a);
  }
  return out;
}

/** POSIX shell quoting, for lines a person copies into a terminal. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
