import { harnessNotes } from './notes.js';
import { sourceUrl } from '../catalogue/index.js';
import { TALLY_WORD, tallyOf } from './words.js';
import type { ComplianceModel, RuleResult } from './model.js';

/**
 * `junit.xml`: one test case per rule, grouped in one test suite per stage, so CI systems show
 * rules as tests. Mapping (docs/reports.md): failed → <failure>; error → <error>; skipped and
 * disabled → <skipped> with the reason; expected-failure → <skipped> ("expected failure", as
 * pytest reports xfail); a stale expected-failure entry → <failure> on the rule that now passes;
 * SHOULD failures are <failure> only with --level should, else a passed case with the finding in
 * <system-out>.
 */
function esc(s: string): string {
  // XML 1.0 forbids most control characters even escaped.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function detail(r: RuleResult): string {
  return [
    r.message,
    r.peerError ? `peer: ${r.peerError}` : '',
    r.remedy ? `fix: ${r.remedy}` : '',
    r.rule?.source[0] ? `source: ${sourceUrl(r.rule.source[0])}` : '',
  ]
    .filter((s) => s !== '')
    .join('\n');
}

type Kind = 'failure' | 'error' | 'skipped' | 'passed';

function kindOf(r: RuleResult, m: ComplianceModel): Kind {
  if (r.baseline === 'stale') return 'failure';
  switch (r.status) {
    case 'failed':
      return r.level === 'MUST' || m.gate.level === 'should' ? 'failure' : 'passed';
    case 'error':
      return 'error';
    case 'skipped':
    case 'disabled':
    case 'expected-failure':
      return 'skipped';
    default:
      return 'passed';
  }
}

function testCase(r: RuleResult, m: ComplianceModel): { xml: string; kind: Kind } {
  const kind = kindOf(r, m);
  const name = esc(`${r.id} ${r.rule?.title ?? ''}`.trim());
  const head = `    <testcase classname="ccaas-conformance.${esc(r.section)}" name="${name}" time="${(r.durationMs / 1000).toFixed(3)}">`;
  const props = `      <properties><property name="level" value="${r.level}"/><property name="status" value="${esc(r.status)}"/>${r.reason ? `<property name="reason" value="${esc(r.reason)}"/>` : ''}</properties>`;
  let body = '';
  if (kind === 'failure') {
    const message = r.baseline === 'stale' ? `stale expected-failure: ${r.id} is listed in ${m.run?.expectedFailures?.file ?? 'the expected-failures file'} but now passes` : r.message;
    body = `\n      <failure message="${esc(message)}" type="${r.baseline === 'stale' ? 'stale-expected-failure' : r.level}">${esc(detail(r))}</failure>`;
  } else if (kind === 'error') body = `\n      <error message="${esc(r.message)}" type="harness-error">${esc(detail(r))}</error>`;
  else if (kind === 'skipped') {
    const word = TALLY_WORD[tallyOf(r)];
    body = `\n      <skipped message="${esc(r.message.startsWith(`${word}`) || r.message.startsWith('not judged') ? r.message : `${word}: ${r.message}`)}"/>`;
  } else if (r.status === 'failed') body = `\n      <system-out>${esc(`SHOULD rule failed (not gating with --level must)\n${detail(r)}`)}</system-out>`;
  return { xml: `${head}\n${props}${body}\n    </testcase>`, kind };
}

export function toJunit(m: ComplianceModel): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const sections = m.sections.length > 0 ? m.sections.map((s) => ({ id: s.id, title: s.title, rules: m.rules.filter((r) => r.section === s.id), time: s.durationMs })) : [{ id: 'rules', title: 'rules', rules: m.rules, time: m.durationMs }];
  // Rules of no section (should not happen) still get reported.
  const covered = new Set(sections.flatMap((s) => s.rules.map((r) => r.id)));
  const rest = m.rules.filter((r) => !covered.has(r.id));
  if (rest.length > 0) sections.push({ id: 'other', title: 'other rules', rules: rest, time: 0 });
  for (const s of sections) {
    const cases = s.rules.map((r) => testCase(r, m));
    const n = { tests: cases.length, failures: cases.filter((c) => c.kind === 'failure').length, errors: cases.filter((c) => c.kind === 'error').length, skipped: cases.filter((c) => c.kind === 'skipped').length };
    totals.tests += n.tests;
    totals.failures += n.failures;
    totals.errors += n.errors;
    totals.skipped += n.skipped;
    suites.push(
      `  <testsuite name="${esc(s.title)}" id="${esc(s.id)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${(s.time / 1000).toFixed(3)}"${m.startedAt ? ` timestamp="${esc(m.startedAt.replace(/\.\d+Z$/, ''))}"` : ''}>\n${cases.map((c) => c.xml).join('\n')}\n  </testsuite>`,
    );
  }
  if (m.ownScenarios.length > 0) {
    const cases = m.ownScenarios.map((sc) => {
      const head = `    <testcase classname="ccaas-conformance.your-scenarios" name="${esc(sc.name)}" file="${esc(sc.uri)}" time="${(sc.durationMs / 1000).toFixed(3)}">`;
      const body =
        sc.status === 'failed'
          ? `\n      <failure message="${esc(sc.message?.split('\n')[0] ?? 'failed')}" type="scenario">${esc(`${sc.failedStep ? `at: ${sc.failedStep}\n` : ''}${sc.message ?? ''}`)}</failure>\n    `
          : sc.status === 'skipped'
            ? `\n      <skipped message="${esc(sc.failedStep ? `skipped at: ${sc.failedStep}` : 'skipped')}"/>\n    `
            : '';
      return `${head}${body}</testcase>`;
    });
    const n = { tests: cases.length, failures: m.ownScenarios.filter((x) => x.status === 'failed').length, skipped: m.ownScenarios.filter((x) => x.status === 'skipped').length };
    totals.tests += n.tests;
    totals.failures += n.failures;
    totals.skipped += n.skipped;
    const time = m.ownScenarios.reduce((a, x) => a + x.durationMs, 0);
    suites.push(`  <testsuite name="your scenarios" id="your-scenarios" tests="${n.tests}" failures="${n.failures}" errors="0" skipped="${n.skipped}" time="${(time / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (m.chaincodeAnswers.length > 0) {
    // The chaincode's own answers: a failure only for a --smoke transaction that fails the run.
    const cases = m.chaincodeAnswers.map((a) => {
      const head = `    <testcase classname="ccaas-conformance.chaincode-answers" name="${esc(`${a.request === 'smoke' ? 'smoke transaction' : 'unknown function'} '${a.fn}'`)}" time="0">`;
      const body = a.failsRun ? `\n      <failure message="${esc(`the chaincode answered ${a.answer}`)}" type="chaincode-answer">${esc(a.peer)}</failure>\n    ` : `\n      <system-out>${esc(`the chaincode answered ${a.answer}. ${a.peer}`)}</system-out>\n    `;
      return `${head}${body}</testcase>`;
    });
    const failures = m.chaincodeAnswers.filter((a) => a.failsRun).length;
    totals.tests += cases.length;
    totals.failures += failures;
    suites.push(`  <testsuite name="chaincode answers" id="chaincode-answers" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (m.runError) {
    totals.tests++;
    totals.errors++;
    suites.push(`  <testsuite name="harness" tests="1" failures="0" errors="1" skipped="0" time="0">\n    <testcase classname="ccaas-conformance.harness" name="the run" time="0">\n      <error message="${esc(m.runError)}" type="harness-error"/>\n    </testcase>\n  </testsuite>`);
  }
  const props = [
    ['verdict', m.verdict],
    ['summary', m.summary],
    ['packageId', m.facts?.packageId ?? ''],
    ['level', m.gate.level],
    ['exitCode', String(m.gate.exitCode)],
    ...harnessNotes(m).map((n) => ['note', n]),
  ]
    .map(([k, v]) => `<property name="${k}" value="${esc(v ?? '')}"/>`)
    .join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ccaas-conformance" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${(m.durationMs / 1000).toFixed(3)}">`,
    `  <!-- verdict: ${esc(m.verdict)}; ${esc(m.summary).replace(/--/g, '- -')} -->`,
    ...suites.map((x, i) => (i === 0 ? x.replace(/^(  <testsuite [^>]*>)/, `$1\n    <properties>${props}</properties>`) : x)),
    '</testsuites>',
    '',
  ].join('\n');
}
