import type { ComplianceModel } from './model.js';

/** The console summary: verdict first, then what failed and how to fix it. */
export function toConsole(m: ComplianceModel, reportDir: string): string {
  const lines: string[] = [];
  const id = m.facts?.packageId ?? '(no package ID)';
  const c = (level: 'MUST' | 'SHOULD', s: string): number => m.counts[level][s] ?? 0;
  lines.push(`ccaas-conformance: ${m.verdict.toUpperCase()}  ${id}`);
  lines.push(
    `  MUST: ${c('MUST', 'passed')} passed, ${c('MUST', 'failed')} failed, ${c('MUST', 'skipped')} skipped, ${c('MUST', 'disabled')} disabled, ${c('MUST', 'error')} error` +
      ` | SHOULD: ${c('SHOULD', 'passed')} passed, ${c('SHOULD', 'failed')} failed`,
  );
  for (const r of m.rules) {
    if (r.status !== 'failed' && r.status !== 'error') continue;
    lines.push(`  ✗ ${r.id} [${r.level}] ${r.rule?.title ?? ''}`);
    lines.push(`      ${r.message}`);
    if (r.peerError) lines.push(`      peer: ${r.peerError}`);
    if (r.remedy) lines.push(`      fix:  ${r.remedy}`);
  }
  lines.push(`  report: ${reportDir}/index.html`);
  return lines.join('\n');
}
