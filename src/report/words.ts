import type { Status } from '../findings.js';
import type { Reason } from './model.js';

/**
 * The one vocabulary of every report (console, index.html, junit.xml, result.json): each rule
 * falls in exactly one tally, so the tallies of a level add up to its rule count everywhere.
 * The statuses of result.json stay as they are (the schema); a tally splits `disabled` into what
 * configuration turned off and what does not apply to this package, and calls `skipped` by its
 * cause, `blocked`.
 */

export type Tally = 'passed' | 'failed' | 'expected-failure' | 'blocked' | 'not-applicable' | 'disabled' | 'error';

export const TALLIES: readonly Tally[] = ['passed', 'failed', 'expected-failure', 'blocked', 'not-applicable', 'disabled', 'error'];

export const TALLY_WORD: Readonly<Record<Tally, string>> = {
  passed: 'passed',
  failed: 'failed',
  'expected-failure': 'expected failure',
  blocked: 'blocked',
  'not-applicable': 'not applicable',
  disabled: 'disabled',
  error: 'harness error',
};

export const TALLY_MEANING: Readonly<Record<Tally, string>> = {
  passed: 'judged, and the peer would accept it',
  failed: 'judged, and the peer would reject it',
  'expected-failure': 'failed, and listed in --expected-failures',
  blocked: 'not judged: an earlier rule failed',
  'not-applicable': 'does not apply to this package (counts as satisfied)',
  disabled: 'not judged: turned off by --offline, --run, --skip or --tags',
  error: 'the harness itself failed: no verdict on this rule',
};

export function tallyOf(r: { readonly status: Status; readonly reason: Reason }): Tally {
  switch (r.status) {
    case 'skipped':
      return 'blocked';
    case 'disabled':
      return r.reason === 'not-applicable' ? 'not-applicable' : 'disabled';
    default:
      return r.status;
  }
}

export type Tallies = Readonly<Record<Tally, number>>;

export function tallies(rules: ReadonlyArray<{ readonly status: Status; readonly reason: Reason }>): Tallies {
  const t: Record<Tally, number> = { passed: 0, failed: 0, 'expected-failure': 0, blocked: 0, 'not-applicable': 0, disabled: 0, error: 0 };
  for (const r of rules) t[tallyOf(r)]++;
  return t;
}

/** `1 rule`, `2 rules`; `count(1, 'entry', 'entries')`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * `1,453,533`: a size or a count with its thousands grouped, as en-US writes it. Not
 * `toLocaleString`, whose first call loads ICU's locale data (15-18 ms, on the report's path).
 * Anything but a non-negative safe integer is written as JavaScript writes it.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return String(n);
  const digits = String(n);
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** `44 passed, 0 failed, 3 not applicable`: passed and failed always, the others when present. */
export function tallyLine(t: Tallies): string {
  return TALLIES.filter((k) => k === 'passed' || k === 'failed' || t[k] > 0)
    .map((k) => `${t[k]} ${TALLY_WORD[k]}`)
    .join(', ');
}

/** Inline code as written in the catalogue and the features (`peer lifecycle chaincode install`), for HTML: `esc` first, then code spans. */
export function inlineCodeHtml(text: string, esc: (s: string) => string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => (/^`[^`\n]+`$/.test(part) ? `<code>${esc(part.slice(1, -1))}</code>` : esc(part)))
    .join('');
}
