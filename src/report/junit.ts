import type { ComplianceModel } from './model.js';

/** `junit.xml`: one test case per rule, so CI systems show rules as tests. */
function esc(s: string): string {
  // XML 1.0 forbids most control characters even escaped.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function toJunit(m: ComplianceModel): string {
  const failures = m.rules.filter((r) => r.status === 'failed').length;
  const errors = m.rules.filter((r) => r.status === 'error').length;
  const skipped = m.rules.filter((r) => r.status === 'skipped' || r.status === 'disabled').length;
  const cases = m.rules.map((r) => {
    const name = esc(`${r.id} ${r.rule?.title ?? ''}`.trim());
    const head = `    <testcase classname="ccaas-conformance.${r.level}" name="${name}" time="0">`;
    const detail = esc(`${r.message}${r.peerError ? `\npeer: ${r.peerError}` : ''}${r.remedy ? `\nremedy: ${r.remedy}` : ''}`);
    switch (r.status) {
      case 'failed':
        return `${head}\n      <failure message="${esc(r.message)}">${detail}</failure>\n    </testcase>`;
      case 'error':
        return `${head}\n      <error message="${esc(r.message)}">${detail}</error>\n    </testcase>`;
      case 'skipped':
      case 'disabled':
        return `${head}\n      <skipped message="${esc(`${r.status}: ${r.message}`)}"/>\n    </testcase>`;
      default:
        return `${head}</testcase>`;
    }
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ccaas-conformance" tests="${m.rules.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(m.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${esc(m.facts?.packageId ?? m.facts?.path ?? 'package')}" tests="${m.rules.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
