import { sourceUrl } from '../catalogue/index.js';
import type { ComplianceModel, RuleResult } from './model.js';

/** `index.html`: the self-contained compliance page (no external resources). */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#57606a;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:24px 32px;border-bottom:1px solid var(--line)}h1{margin:0 0 4px;font-size:22px}
.banner{display:flex;gap:16px;align-items:center;padding:16px 32px;color:#fff;font-size:18px;font-weight:600}
.banner.conformant{background:var(--ok)}.banner.non-conformant{background:var(--bad)}.banner.error{background:var(--warn)}
.counts{display:flex;gap:12px;flex-wrap:wrap;padding:12px 32px;background:var(--bg);border-bottom:1px solid var(--line)}
.pill{border-radius:12px;padding:2px 10px;font-size:12px;font-weight:600;border:1px solid var(--line);background:#fff}
main{padding:16px 32px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);font-size:12px;text-transform:uppercase;color:var(--mute)}
.status{font-weight:700;text-transform:uppercase;font-size:12px}.passed{color:var(--ok)}.failed,.error{color:var(--bad)}.skipped,.disabled,.expected-failure{color:var(--mute)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{white-space:pre-wrap;word-break:break-word;background:var(--bg);padding:8px;border-radius:6px;margin:4px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}dt{color:var(--mute)}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
details{margin:4px 0}summary{cursor:pointer;color:var(--mute)}.filters{margin:8px 0 12px;display:flex;gap:8px;flex-wrap:wrap}
.filters label{font-size:12px;border:1px solid var(--line);border-radius:12px;padding:2px 10px;cursor:pointer}
a{color:#0969da}.level{font-size:11px;font-weight:700;border-radius:4px;padding:1px 6px;background:#ddf4ff;color:#0550ae}.level.SHOULD{background:#fff8c5;color:#7d4e00}
`;

const SCRIPT = `
document.querySelectorAll('.filters input').forEach(function(box){box.addEventListener('change',function(){
  var on={};document.querySelectorAll('.filters input').forEach(function(b){on[b.value]=b.checked});
  document.querySelectorAll('tr.rule').forEach(function(tr){tr.style.display=(on[tr.dataset.status]&&on[tr.dataset.level])?'':'none'});
});});
`;

function ruleRow(r: RuleResult): string {
  const src = r.rule?.source[0];
  const link = src ? `<a href="${esc(sourceUrl(src))}">${esc(src.path.split('/').pop() ?? src.path)}</a>` : '';
  const details = [
    r.peerError ? `<div>Peer says:</div><pre>${esc(r.peerError)}</pre>` : '',
    r.remedy ? `<div>Fix: ${esc(r.remedy)}</div>` : '',
    r.evidence ? `<details><summary>evidence</summary><pre>${esc(JSON.stringify(r.evidence, null, 2))}</pre></details>` : '',
    r.rule ? `<details><summary>what the peer does</summary><div>${esc(r.rule.peer)}</div>${r.rule.docSays ? `<div><b>The docs say:</b> ${esc(r.rule.docSays)}</div>` : ''}</details>` : '',
  ].join('');
  return `<tr class="rule" data-status="${r.status}" data-level="${r.level}" id="${esc(r.id)}">
<td><code>${esc(r.id)}</code><br><span class="level ${r.level}">${r.level}</span></td>
<td><span class="status ${r.status}">${esc(r.status)}</span></td>
<td><b>${esc(r.rule?.title ?? r.id)}</b><div>${esc(r.message)}</div>${details}</td>
<td>${link}</td></tr>`;
}

export function toHtml(m: ComplianceModel): string {
  const f = m.facts;
  const mustFailed = (m.counts.MUST.failed ?? 0) + (m.counts.MUST.error ?? 0);
  const statuses = ['passed', 'failed', 'error', 'skipped', 'disabled', 'expected-failure'];
  const pills = (['MUST', 'SHOULD'] as const)
    .map((lvl) => statuses.filter((s) => (m.counts[lvl][s] ?? 0) > 0).map((s) => `<span class="pill ${s}">${lvl} ${s}: ${m.counts[lvl][s]}</span>`).join(''))
    .join('');
  const evidence = m.evidence
    .map((e) => `<details><summary>${esc(e.stage)}: ${esc(e.title)}</summary><pre>${esc(JSON.stringify(e.data, null, 2))}</pre></details>`)
    .join('');
  const filters = [...statuses, 'MUST', 'SHOULD'].map((s) => `<label><input type="checkbox" value="${s}" checked> ${s}</label>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ccaas-conformance: ${esc(m.verdict)} ${esc(f?.packageId ?? '')}</title><style>${STYLE}</style></head>
<body>
<header><h1>Chaincode-as-a-service compliance report</h1><div>What a Hyperledger Fabric peer would do with this package and chaincode server.</div></header>
<div class="banner ${m.verdict}" id="verdict">${esc(m.verdict.toUpperCase())}<span style="font-weight:400;font-size:14px">${mustFailed > 0 ? `${mustFailed} MUST rule(s) fail: the real peer would reject this setup` : m.verdict === 'conformant' ? 'every MUST rule passes' : ''}</span></div>
<div class="counts" id="counts">${pills}</div>
<main>
<section><h2>Package</h2><dl class="facts">
<dt>file</dt><dd>${esc(f?.path ?? '')}</dd><dt>label</dt><dd>${esc(f?.label ?? '—')}</dd><dt>type</dt><dd>${esc(f?.type ?? '—')}</dd>
<dt>package ID</dt><dd id="package-id">${esc(f?.packageId ?? '—')}</dd><dt>size</dt><dd>${f?.size ?? '—'} bytes</dd><dt>run time</dt><dd>${m.durationMs} ms</dd>
</dl></section>
<section><h2>Rules</h2><div class="filters">${filters}</div>
<table><thead><tr><th>Rule</th><th>Status</th><th>Finding</th><th>Fabric source</th></tr></thead><tbody>
${m.rules.map(ruleRow).join('\n')}
</tbody></table></section>
<section><h2>Evidence</h2>${evidence || '<p>No evidence recorded.</p>'}</section>
</main><script>${SCRIPT}</script></body></html>
`;
}
