import { harnessNotes } from './notes.js';
import type { ComplianceModel, RuleResult } from './model.js';
import { shellQuote } from './selection.js';
import { count, tallies, tallyLine } from './words.js';
import { escapeControl as t } from './terminal.js';

/**
 * The console summary: verdict first, then what failed and how to fix it, what fails the exit
 * code and why, where the reports are, and one line that re-runs only the rules that did not pass.
 */

export interface ConsoleOptions {
  /** ANSI colours (only on a terminal). */
  readonly color?: boolean;
}

const VERDICT_TEXT: Readonly<Record<ComplianceModel['verdict'], string>> = {
  conformant: 'CONFORMANT',
  partial: 'PARTIAL (not every MUST rule judged)',
  'non-conformant': 'NOT CONFORMANT',
  error: 'HARNESS ERROR',
};

export function toConsole(m: ComplianceModel, reportDir: string, opts: ConsoleOptions = {}): string {
  const paint = (code: string, s: string): string => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const red = (s: string): string => paint('31', s);
  const green = (s: string): string => paint('32', s);
  const yellow = (s: string): string => paint('33', s);
  const dim = (s: string): string => paint('2', s);
  const bold = (s: string): string => paint('1', s);
  const lines: string[] = [];
  // Everything from the model may hold untrusted text (labels, stderr, gRPC details): escaped.
  const id = t(m.facts?.packageId ?? '(no package ID)');
  const verdict = VERDICT_TEXT[m.verdict];
  const vcolor = m.verdict === 'conformant' ? green : m.verdict === 'partial' ? yellow : red;
  lines.push(`ccaas-conformance: ${bold(vcolor(verdict))}  ${id}`);
  lines.push(`  ${t(m.summary)}`);
  const c = (level: 'MUST' | 'SHOULD'): string => {
    const rules = m.rules.filter((r) => r.level === level);
    return `${count(rules.length, 'rule')}: ${tallyLine(tallies(rules))}`;
  };
  lines.push(`  MUST   ${c('MUST')}`);
  lines.push(`  SHOULD ${c('SHOULD')}`);
  for (const note of harnessNotes(m)) lines.push(`  ${dim('note:')} ${t(note)}`);

  const firstLine = (x: string): string => t(x.split('\n')[0] ?? x);
  /** ` (12 MUST, 2 SHOULD)` when the ids mix levels, so the line adds up with the counts above. */
  const levels = (ids: readonly string[]): string => {
    const must = ids.filter((id) => m.rules.find((r) => r.id === id)?.level === 'MUST').length;
    return must === 0 || must === ids.length ? ` (${must === 0 ? 'SHOULD' : 'MUST'})` : ` (${must} MUST, ${ids.length - must} SHOULD)`;
  };
  const show = (r: RuleResult, mark: string): void => {
    lines.push(`  ${mark} ${t(r.id)} [${r.level}] ${t(r.rule?.title ?? '')}`.trimEnd());
    lines.push(`      ${r.message.split('\n').map(t).join('\n      ')}`);
    if (r.peerError) lines.push(`      peer: ${t(r.peerError)}`);
    if (r.remedy) lines.push(`      fix:  ${t(r.remedy)}`);
  };
  const failing = m.rules.filter((r) => r.status === 'failed' && r.level === 'MUST');
  const warnings = m.rules.filter((r) => r.status === 'failed' && r.level === 'SHOULD');
  const errors = new Map<string, string[]>();
  for (const r of m.rules.filter((x) => x.status === 'error')) errors.set(firstLine(r.message), [...(errors.get(firstLine(r.message)) ?? []), r.id]);
  if (failing.length + warnings.length + errors.size > 0 || m.runError) lines.push('');
  if (m.runError) lines.push(`  ${red('!')} the harness failed: ${firstLine(m.runError)}`);
  for (const [message, ids] of errors) lines.push(`  ${red('!')} harness error on ${ids.join(', ')}: ${message}`);
  for (const r of failing) show(r, red('✗'));
  for (const r of warnings) show(r, m.gate.level === 'should' ? red('✗') : yellow('⚠'));
  const blocked = new Map<string, string[]>();
  for (const r of m.rules.filter((x) => x.status === 'skipped')) {
    const by = r.blockedBy ?? 'a scenario that did not run';
    blocked.set(by, [...(blocked.get(by) ?? []), r.id]);
  }
  for (const [by, ids] of blocked) lines.push(`  ${dim('○')} ${count(ids.length, 'rule')} blocked by ${t(by)}${levels(ids)}: ${ids.join(', ')}`);
  const expected = m.rules.filter((r) => r.status === 'expected-failure');
  if (expected.length > 0) lines.push(`  ${dim('≈')} expected failure${expected.length === 1 ? '' : 's'} (${t(m.run?.expectedFailures?.file ?? 'baseline')}): ${expected.map((r) => r.id).join(', ')}`);
  for (const idStale of m.gate.stale) lines.push(`  ${red('✗')} stale expected-failure: ${idStale} is listed in ${t(m.run?.expectedFailures?.file ?? 'the expected-failures file')} but now passes; remove it from the list`);
  if (m.gate.notJudged.length > 0) lines.push(`  ${dim('·')} listed as expected failures but not judged in this run: ${m.gate.notJudged.join(', ')}`);
  const own = m.ownScenarios;
  if (own.length > 0) {
    const n = (st: string): number => own.filter((x) => x.status === st).length;
    lines.push(`  your scenarios: ${n('passed')} passed, ${n('failed')} failed${n('skipped') > 0 ? `, ${n('skipped')} skipped` : ''}`);
    for (const sc of own.filter((x) => x.status === 'failed')) {
      lines.push(`  ${red('✗')} ${t(sc.name)} (${t(sc.uri)})`);
      if (sc.failedStep) lines.push(`      at:   ${t(sc.failedStep)}`);
      if (sc.message) lines.push(`      ${firstLine(sc.message)}`);
    }
  }
  for (const a of m.chaincodeAnswers) {
    lines.push(`  ${a.failsRun ? red('✗') : dim('i')} chaincode answer, ${a.request === 'smoke' ? 'smoke transaction' : 'unknown function'} '${a.fn}': ${a.answer}`);
    lines.push(`      ${a.peer}`);
  }
  const disabled = m.rules.filter((r) => r.status === 'disabled' && r.reason !== 'not-applicable');
  for (const [why, group] of [
    [m.run?.offline ? 'by --offline (nothing is dialled)' : 'by configuration', disabled.filter((r) => r.reason === 'configuration')],
    ['as not selected (--run, --skip, --tags)', disabled.filter((r) => r.reason !== 'configuration')],
  ] as const) {
    if (group.length > 0) lines.push(`  ${dim('–')} ${count(group.length, 'rule')} disabled ${why}${levels(group.map((r) => r.id))}: ${group.map((r) => r.id).join(', ')}`);
  }

  lines.push('');
  const gate = m.gate;
  if (gate.exitCode === 0) lines.push(`  exit 0 (--level ${gate.level}): ${green('the run passes')}`);
  else lines.push(`  exit ${gate.exitCode} (--level ${gate.level}): ${red(t(gateSummary(m)))}`);
  lines.push(`  report: ${t(reportDir)}/index.html  ${dim('(result.json, junit.xml, messages.ndjson, cucumber.html beside it)')}`);
  const line = rerunLine(m);
  if (line) lines.push(`  re-run what did not pass: ${t(line)}`);
  return lines.join('\n');
}

/** The words of the re-run command (unquoted), or null when everything passed. */
export function rerunWords(m: ComplianceModel): string[] | null {
  if (!m.run || m.gate.rerun.length === 0) return null;
  return ['npx', 'ccaas-conformance', ...m.run.rerunBase, '--run', m.gate.rerun.join(',')];
}

/** `npx ccaas-conformance <same arguments> --run <the rules that did not pass>`, or null. */
export function rerunLine(m: ComplianceModel): string | null {
  return rerunWords(m)?.map(shellQuote).join(' ') ?? null;
}

/** Why the exit code is what it is, in one line. */
export function gateSummary(m: ComplianceModel): string {
  const g = m.gate;
  if (g.exitCode === 3) {
    const n = m.rules.filter((r) => r.status === 'error').length;
    return m.runError ? 'the harness itself failed' : n > 0 ? `the harness itself failed on ${n} rule${n === 1 ? '' : 's'}` : 'no rule was judged';
  }
  const counted = m.rules.filter((r) => r.level === 'MUST' || g.level === 'should');
  const failed = counted.filter((r) => r.status === 'failed').map((r) => r.id);
  const expected = new Set(m.rules.filter((r) => r.status === 'expected-failure').map((r) => r.id));
  const blocked = counted.filter((r) => r.status === 'skipped' && !(r.blockedBy && expected.has(r.blockedBy))).map((r) => r.id);
  const ownFailed = m.ownScenarios.filter((x) => x.status === 'failed').length;
  const answerFails = m.chaincodeAnswers.filter((a) => a.failsRun).map((a) => a.fn);
  const parts = [
    failed.length > 0 ? `${failed.length} ${g.level === 'should' ? '' : 'MUST '}rule${failed.length === 1 ? '' : 's'} failed (${failed.join(', ')})` : '',
    blocked.length > 0 ? `${blocked.length} blocked` : '',
    g.stale.length > 0 ? `stale expected-failure entr${g.stale.length === 1 ? 'y' : 'ies'}: ${g.stale.join(', ')}` : '',
    ownFailed > 0 ? `${ownFailed} of your scenarios failed` : '',
    answerFails.length > 0 ? `the chaincode answered your smoke transaction ${answerFails.map((f) => `'${f}'`).join(', ')} with a failure (the chaincode's answer, not a peer rejection)` : '',
  ].filter((x) => x !== '');
  return parts.join('; ');
}
