import { harnessNotes } from './notes.js';
import { sourceUrl } from '../catalogue/index.js';
import type { Json, Status } from '../findings.js';
import { rerunLine, rerunWords } from './console.js';
import { type Bar, type ComplianceModel, type Evidence, type RuleResult, type Section } from './model.js';
import { shellQuote } from './selection.js';
import { count, grouped, inlineCodeHtml, TALLIES, TALLY_MEANING, TALLY_WORD, tallies, tallyOf, type Tally } from './words.js';

/**
 * `index.html`, the compliance report: one self-contained page (inline CSS and script, no
 * external resource, readable offline) rendered from the compliance model only. Verdict banner
 * with counts, package facts, a waterfall of the stages, then one section per stage with its
 * timings, its rules (status, message, the peer's exact error text, the fix, the Fabric source)
 * and its evidence drawers. Filters by status and level run in the page.
 */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Prose as written: escaped, with `inline code` shown as code. */
function prose(s: string): string {
  return inlineCodeHtml(s, esc);
}

const TALLY_ICON: Readonly<Record<Tally, string>> = { passed: '✓', failed: '✗', error: '!', blocked: '○', disabled: '–', 'not-applicable': '∅', 'expected-failure': '≈' };
/** The tallies that are problems: the default view of a run that does not pass shows only these. */
const PROBLEM: ReadonlySet<Tally> = new Set<Tally>(['failed', 'error', 'blocked', 'expected-failure']);

const STATUS_ICON: Readonly<Record<Status, string>> = { passed: '✓', failed: '✗', error: '!', skipped: '○', disabled: '–', 'expected-failure': '≈' };

const VERDICT: Readonly<Record<ComplianceModel['verdict'], { label: string; icon: string }>> = {
  conformant: { label: 'CONFORMANT', icon: '✓' },
  partial: { label: 'PARTIAL RESULT', icon: '◐' },
  'non-conformant': { label: 'NOT CONFORMANT', icon: '✗' },
  error: { label: 'HARNESS ERROR', icon: '!' },
};

const STYLE = `
:root{--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;--err:#bc4c00;--err-bg:#fff1e5;--skip:#9a6700;--skip-bg:#fff8c5;--off:#6e7781;--off-bg:#eaeef2;--xf:#8250df;--xf-bg:#fbefff;--ink:#1f2328;--mute:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--link:#0969da;--card:#fff}
*{box-sizing:border-box}
html{background:var(--soft)}
body{font:14px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Helvetica,Arial,sans-serif;margin:0;color:var(--ink)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;font-size:12.5px}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
.wrap{max-width:1180px;margin:0 auto;padding:0 28px}
.top{background:#fff;border-bottom:1px solid var(--line)}
.top .wrap{padding-top:18px;padding-bottom:16px}
.brand{font-size:12px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--mute)}
.top h1{margin:2px 0 2px;font-size:22px;font-weight:650}
.top .sub{margin:0;color:var(--mute)}
.verdict{color:#fff}
.verdict .wrap{display:flex;gap:28px;align-items:center;justify-content:space-between;flex-wrap:wrap;padding-top:22px;padding-bottom:22px}
.v-conformant{background:linear-gradient(100deg,#116329,#1a7f37)}
.v-non-conformant{background:linear-gradient(100deg,#a40e26,#cf222e)}
.v-partial{background:linear-gradient(100deg,#7d4e00,#9a6700)}
.v-error{background:linear-gradient(100deg,#953800,#bc4c00)}
.verdict-main{display:flex;gap:16px;align-items:center;flex:1 1 420px}
.verdict-icon{width:54px;height:54px;border-radius:50%;background:rgba(255,255,255,.18);display:flex;align-items:center;justify-content:center;font-size:28px;font-weight:700;flex:none}
.verdict-label{font-size:25px;font-weight:750;letter-spacing:.04em}
.verdict p{margin:2px 0 0;max-width:620px;opacity:.95}
.tiles{display:flex;gap:12px;flex-wrap:wrap}
.tile{background:rgba(255,255,255,.14);border:1px solid rgba(255,255,255,.25);border-radius:10px;padding:10px 14px;min-width:150px}
.tile-head{font-size:11px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;opacity:.85}
.tile-nums{display:flex;gap:12px;margin-top:2px;flex-wrap:wrap}
.tile-nums div{display:flex;flex-direction:column;line-height:1.15}
.tile-nums b{font-size:22px}.tile-nums span{font-size:11px;opacity:.9}
.tile.gate b{font-size:22px}
main.wrap{padding-top:20px;padding-bottom:40px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin-bottom:18px}
.card h2,.stage h2{font-size:16px;margin:0 0 10px;font-weight:650}
.facts{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px 24px;margin:0}
.facts .span3{grid-column:span 3}
.facts div{min-width:0}.facts dt{font-size:11px;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:var(--mute)}
.facts dd{margin:1px 0 0;overflow-wrap:anywhere}
.facts .wide{grid-column:1/-1}
.pkgid{font-size:13.5px;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:3px 8px;display:inline-block}
.wf{display:grid;grid-template-columns:minmax(180px,300px) 1fr 74px;gap:5px 12px;align-items:center;font-size:12.5px}
.wf .lbl{line-height:1.25;overflow-wrap:anywhere}
.wf .lbl.sub{padding-left:14px;color:var(--mute)}
.wf .trk{position:relative;height:14px;background:var(--soft);border-radius:4px}
.wf .bar{position:absolute;top:2px;height:10px;border-radius:3px;min-width:3px;background:#54aeff}
.wf .bar.ok{background:#4ac26b}.wf .bar.failed{background:var(--bad)}.wf .bar.skipped{background:#d4a72c}.wf .bar.info{background:#8c959f}
.wf .ms{text-align:right;color:var(--mute);font-variant-numeric:tabular-nums}
.wf .axis{grid-column:2;display:flex;justify-content:space-between;color:var(--mute);font-size:11px;border-top:1px solid var(--line);padding-top:2px}
.wf-title{font-size:12px;font-weight:600;color:var(--mute);margin:12px 0 6px;text-transform:uppercase;letter-spacing:.05em}
.toolbar{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.97);border:1px solid var(--line);border-radius:10px;box-shadow:0 1px 3px rgba(31,35,40,.06);margin:0 0 18px;padding:10px 16px;display:flex;gap:8px 18px;flex-wrap:wrap;align-items:center}
.toolbar .grp{display:flex;gap:6px;flex-wrap:wrap;align-items:center}
.toolbar .grp>span{font-size:11px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:var(--mute);margin-right:2px}
.chip{display:inline-flex;align-items:center;gap:6px;border:1px solid var(--line);background:#fff;border-radius:999px;padding:3px 10px;font-size:12.5px;cursor:pointer;user-select:none}
.chip input{margin:0;accent-color:#0969da}
.chip .k{font-weight:700;font-variant-numeric:tabular-nums}
.chip.off{opacity:.5}
.toolbar button{border:1px solid var(--line);background:#fff;border-radius:6px;padding:4px 10px;font:inherit;font-size:12.5px;cursor:pointer}
.toolbar input[type=search]{border:1px solid var(--line);border-radius:6px;padding:4px 10px;font:inherit;font-size:12.5px;width:200px}
.stage{background:var(--card);border:1px solid var(--line);border-radius:10px;margin-bottom:18px;overflow:hidden}
.stage>header{display:flex;justify-content:space-between;align-items:baseline;gap:12px;padding:14px 20px 4px;flex-wrap:wrap}
.stage>header h2{margin:0}
.stage .num{display:inline-flex;width:22px;height:22px;border-radius:50%;background:var(--ink);color:#fff;font-size:12px;align-items:center;justify-content:center;margin-right:8px;vertical-align:1px}
.stage-meta{color:var(--mute);font-size:12.5px;display:flex;gap:10px;flex-wrap:wrap}
#your-scenarios details{overflow-x:auto}#your-scenarios .grid td{white-space:nowrap}
.stage .desc{margin:0 20px 10px;color:var(--mute);max-width:880px}
.stage .timing{padding:0 20px 10px}
table.rules{border-collapse:collapse;width:100%;table-layout:fixed}
table.rules th{font-size:11px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:var(--mute);text-align:left;background:var(--soft);padding:7px 12px;border-top:1px solid var(--line);border-bottom:1px solid var(--line)}
table.rules td{padding:10px 12px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
table.rules td pre,table.rules .msg{overflow-wrap:anywhere}
table.rules tr:last-child td{border-bottom:0}
table.rules col.c1{width:128px}table.rules col.c2{width:150px}table.rules col.c4{width:236px}
tr.rule:target td{background:#fff8c5}
.rid{font-weight:700;white-space:nowrap}
.lvl{display:inline-block;margin-top:4px;font-size:10.5px;font-weight:700;letter-spacing:.05em;border-radius:4px;padding:0 6px;background:#ddf4ff;color:#0550ae}
.lvl.SHOULD{background:#fff8c5;color:#7d4e00}
.st{display:inline-flex;align-items:center;gap:5px;font-size:12px;font-weight:700;border-radius:999px;padding:2px 9px;white-space:nowrap}
.st.passed{color:var(--ok);background:var(--ok-bg)}.st.failed{color:var(--bad);background:var(--bad-bg)}.st.error{color:var(--err);background:var(--err-bg)}
.st.skipped{color:var(--skip);background:var(--skip-bg)}.st.disabled{color:var(--off);background:var(--off-bg)}.st.expected-failure{color:var(--xf);background:var(--xf-bg)}
.why{display:block;font-size:11.5px;color:var(--mute);margin-top:4px}
.title{font-weight:600}
.msg{margin-top:2px;white-space:pre-line}
.peer{margin-top:8px;border-left:3px solid var(--bad);background:#fff6f5;border-radius:0 6px 6px 0;padding:6px 10px}
.peer .h,.fix .h{font-size:11px;font-weight:700;letter-spacing:.05em;text-transform:uppercase;color:var(--mute)}
.peer pre{margin:2px 0 0;white-space:pre-wrap;word-break:break-word;color:#82071e}
.fix{margin-top:8px;border-left:3px solid #0969da;background:#f3f8ff;border-radius:0 6px 6px 0;padding:6px 10px}
.tag{display:inline-block;font-size:11px;font-weight:700;border-radius:4px;padding:0 6px;margin-left:6px;background:var(--xf-bg);color:var(--xf)}
.tag.stale{background:var(--bad-bg);color:var(--bad)}
.src a{display:inline-block}.src .sym{display:block;color:var(--mute);font-size:11.5px;overflow-wrap:anywhere}
details{margin-top:6px}
.more{display:flex;gap:4px 18px;flex-wrap:wrap;align-items:flex-start}.more>details{flex:0 1 auto;max-width:100%}.more>details[open]{flex-basis:100%}
details>summary{cursor:pointer;color:var(--link);font-size:12.5px;list-style:none}
details>summary::-webkit-details-marker{display:none}
details>summary::before{content:"▸";display:inline-block;width:14px;color:var(--mute);transition:transform .1s}
details[open]>summary::before{transform:rotate(90deg)}
pre.box{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:6px 0 0;white-space:pre-wrap;word-break:break-word;max-height:420px;overflow:auto}
.drawers{border-top:1px solid var(--line);padding:10px 20px 14px;background:#fbfcfd}
.drawers>.h{font-size:11px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:var(--mute);margin-bottom:2px}
.drawer{border:1px solid var(--line);border-radius:8px;background:#fff;margin-top:8px}
.drawer>summary{padding:8px 12px;color:var(--ink);font-weight:600;font-size:13px}
.drawer>summary .meta{font-weight:400;color:var(--mute);margin-left:8px}
.drawer .body{padding:0 14px 12px}
table.kv{border-collapse:collapse;width:100%;margin-top:6px;font-size:12.5px}
table.kv th{width:170px;text-align:left;font-weight:600;color:var(--mute);padding:3px 10px 3px 0;vertical-align:top}
table.kv td{padding:3px 0;overflow-wrap:anywhere}
table.grid{border-collapse:collapse;width:100%;margin-top:6px;font-size:12.5px}
table.grid th{text-align:left;font-size:11px;color:var(--mute);text-transform:uppercase;letter-spacing:.04em;border-bottom:1px solid var(--line);padding:4px 8px}
table.grid td{padding:4px 8px;border-bottom:1px solid #eef1f4;vertical-align:top;overflow-wrap:anywhere}
.keys{display:flex;gap:4px;flex-wrap:wrap}.keys code{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 5px}
.ok-t{color:var(--ok);font-weight:600}.bad-t{color:var(--bad);font-weight:600}
.empty-note{display:none;padding:12px 20px;color:var(--mute);font-style:italic}
.stage.empty .empty-note{display:block}.stage.empty table.rules{display:none}
.st.blocked{color:var(--skip);background:var(--skip-bg)}.st.not-applicable{color:var(--off);background:var(--off-bg)}
.desc code,.msg code,.fix code,.title code,.problems code{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 4px;font-size:12px}
.problems{background:#fff;border-bottom:1px solid var(--line)}
.problems .wrap{padding-top:12px;padding-bottom:12px}
.problems h2{font-size:14px;margin:0 0 6px;font-weight:650}
.problems ul{list-style:none;margin:0;padding:0}
.problems li{line-height:1.5;padding:2px 0;overflow-wrap:anywhere}
.problems li .lead{display:inline-block;min-width:104px}
.problems li .lvl{margin:0 8px 0 0}
.problems li.blocker{color:var(--mute)}
.problems .view{margin-top:6px;font-size:12.5px;color:var(--mute)}
.problems .view button,.cmdline button{border:1px solid var(--line);background:#fff;border-radius:6px;padding:2px 10px;font:inherit;font-size:12.5px;cursor:pointer}
.cmdline{display:flex;gap:10px;align-items:flex-start;margin-top:8px}
.cmdline pre{flex:1;margin:0;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:6px 10px;white-space:normal;overflow-x:auto}
.cmdline .tok{white-space:nowrap}
footer.card{font-size:13px}
footer .cmd{display:flex;gap:8px;align-items:flex-start}
footer pre{flex:1;margin:4px 0 0}
.muted{color:var(--mute)}
@media (max-width:760px){.facts{grid-template-columns:1fr 1fr}.facts .span3{grid-column:1/-1}.wf{grid-template-columns:120px 1fr 56px}table.rules col.c4{width:110px}table.rules col.c2{width:110px}}
`;

const SCRIPT = `
(function(){
  var boxes=[].slice.call(document.querySelectorAll('#filters input[type=checkbox]'));
  var search=document.getElementById('search');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;b.parentNode.classList.toggle('off',!b.checked);});
    var q=(search&&search.value||'').toLowerCase();
    document.querySelectorAll('section.stage').forEach(function(sec){
      if(!sec.querySelector('.empty-note'))return;
      var shown=0;
      sec.querySelectorAll('tr.rule').forEach(function(tr){
        var ok=on[tr.getAttribute('data-tally')]&&on[tr.getAttribute('data-level')]&&(!q||tr.textContent.toLowerCase().indexOf(q)>=0);
        tr.hidden=!ok;if(ok)shown++;
      });
      sec.classList.toggle('empty',shown===0);
    });
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  if(search)search.addEventListener('input',apply);
  var problems=document.getElementById('only-problems');
  function onlyProblems(){boxes.forEach(function(b){if(b.name==='status')b.checked=b.hasAttribute('data-problem');});apply();}
  function showAll(){boxes.forEach(function(b){b.checked=true;});if(search)search.value='';apply();}
  if(problems)problems.addEventListener('click',onlyProblems);
  [].forEach.call(document.querySelectorAll('#show-all,#show-all-top'),function(b){b.addEventListener('click',showAll);});
  var copy=document.getElementById('copy-rerun');
  if(copy)copy.addEventListener('click',function(){
    var pre=document.getElementById('rerun-top');var text=pre.textContent;
    function done(){copy.textContent='Copied';setTimeout(function(){copy.textContent='Copy';},1500);}
    function fallback(){var r=document.createRange();r.selectNodeContents(pre);var sel=getSelection();sel.removeAllRanges();sel.addRange(r);try{document.execCommand('copy');done();}catch(e){}}
    if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(text).then(done,fallback);else fallback();
  });
  var open=document.getElementById('open-all');
  if(open)open.addEventListener('click',function(){var ds=document.querySelectorAll('main details');var anyClosed=[].some.call(ds,function(d){return !d.open;});ds.forEach(function(d){d.open=anyClosed;});});
  apply();
})();
`;

function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function waterfall(bars: readonly Bar[], opts: { sub?: ReadonlySet<number>; scale?: number; offset?: number } = {}): string {
  if (bars.length === 0) return '';
  const offset = opts.offset ?? 0;
  const end = Math.max(1, opts.scale ?? Math.max(...bars.map((b) => b.startMs - offset + b.durationMs)));
  const rows = bars
    .map((b, i) => {
      const left = Math.max(0, Math.min(100, ((b.startMs - offset) / end) * 100));
      const width = Math.max(0, Math.min(100 - left, (b.durationMs / end) * 100));
      const tip = `${b.label}: ${fmtMs(b.durationMs)} at +${fmtMs(b.startMs - offset)}${b.detail ? ` (${b.detail})` : ''}`;
      return `<div class="lbl${opts.sub?.has(i) ? ' sub' : ''}" title="${esc(tip)}">${esc(b.label)}</div><div class="trk" title="${esc(tip)}"><div class="bar ${b.state}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></div></div><div class="ms">${fmtMs(b.durationMs)}</div>`;
    })
    .join('');
  const axis = `<div></div><div class="axis"><span>0</span><span>${fmtMs(end / 4)}</span><span>${fmtMs(end / 2)}</span><span>${fmtMs((3 * end) / 4)}</span><span>${fmtMs(end)}</span></div><div></div>`;
  return `<div class="wf">${rows}${axis}</div>`;
}

function statusPill(t: Tally): string {
  return `<span class="st ${t}" title="${esc(TALLY_MEANING[t])}">${TALLY_ICON[t]} ${esc(TALLY_WORD[t])}</span>`;
}

function whyLine(r: RuleResult): string {
  switch (r.reason) {
    case 'blocked':
      return `<span class="why">blocked by <a href="#rule-${esc(r.blockedBy ?? '')}">${esc(r.blockedBy ?? '')}</a></span>`;
    case 'not-applicable':
      return '';
    case 'configuration':
      return '<span class="why">by configuration</span>';
    case 'selection':
      return '<span class="why">not selected</span>';
    case 'not-run':
      return '<span class="why">scenario did not run</span>';
    default:
      return '';
  }
}

function ruleRow(r: RuleResult): string {
  const src = r.rule?.source[0];
  const link = src
    ? `<a href="${esc(sourceUrl(src))}" title="${esc(`${src.repo}: ${src.path}`)}">${esc(src.path.split('/').pop() ?? src.path)}</a><span class="sym">${esc(src.repo)}${src.symbols && src.symbols.length > 0 ? ` · ${src.symbols.map((x) => `<span>${esc(x)}</span>`).join(', ')}` : ''}</span>`
    : '<span class="muted">—</span>';
  const tags = [
    r.baseline === 'expected-failure' ? '<span class="tag">expected failure</span>' : '',
    r.baseline === 'stale' ? '<span class="tag stale">stale expected-failure</span>' : '',
    r.baseline === 'listed-not-judged' ? '<span class="tag">listed as expected failure</span>' : '',
  ].join('');
  const more0 = [
    r.evidence ? `<details><summary>evidence</summary><pre class="box">${esc(JSON.stringify(r.evidence, null, 2))}</pre></details>` : '',
    r.rule
      ? `<details><summary>what the peer does</summary><div class="msg">${prose(r.rule.peer)}</div>${r.rule.docSays ? `<div class="msg"><b>The documentation says:</b> ${prose(r.rule.docSays)}</div>` : ''}</details>`
      : '',
  ].join('');
  const more = more0 ? `<div class="more">${more0}</div>` : '';
  return `<tr class="rule" id="rule-${esc(r.id)}" data-status="${r.status}" data-tally="${tallyOf(r)}" data-level="${r.level}">
<td><span class="rid mono">${esc(r.id)}</span><br><span class="lvl ${r.level}">${r.level}</span></td>
<td>${statusPill(tallyOf(r))}${whyLine(r)}</td>
<td><div class="title">${prose(r.rule?.title ?? r.id)}${tags}</div><div class="msg">${prose(r.message)}</div>${
    r.peerError ? `<div class="peer"><div class="h">The peer says</div><pre>${esc(r.peerError)}</pre></div>` : ''
  }${r.remedy ? `<div class="fix"><span class="h">Fix</span> ${prose(r.remedy)}</div>` : ''}${more}</td>
<td class="src">${link}</td></tr>`;
}

// ---- evidence drawers -------------------------------------------------------------------------

function isRecord(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str = (v: Json | undefined): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

function kv(rows: ReadonlyArray<[string, string]>): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function drawer(title: string, meta: string, body: string, kind: string): string {
  return `<details class="drawer" data-evidence="${esc(kind)}"><summary>${esc(title)}${meta ? `<span class="meta">${esc(meta)}</span>` : ''}</summary><div class="body">${body}</div></details>`;
}

function buildDrawer(e: Evidence): string {
  const d = e.data;
  if (!isRecord(d)) return genericDrawer(e);
  if (e.title === 'builders') {
    const configured = arr(d['configured']).filter(isRecord);
    return drawer(
      'External builders',
      d['detected'] ? `detected by ${str(d['detected'])}` : 'none detected',
      `<table class="grid"><tr><th>name</th><th>path</th><th>propagateEnvironment</th></tr>${configured
        .map((b) => `<tr><td class="mono">${esc(str(b['name']))}</td><td class="mono">${esc(str(b['path']))}</td><td>${keysList(arr(b['propagateEnvironment']))}</td></tr>`)
        .join('')}</table>`,
      'builders',
    );
  }
  // Other build evidence (the peer's builder configuration, build-info.json, the launch) has no program.
  if (typeof d['program'] !== 'string') return genericDrawer(e);
  const stderr = arr(d['stderr']).map(str);
  const argv = arr(d['argv']).map(str);
  const exit = d['skipped'] ? `skipped: ${str(d['skipped'])}` : str(d['exit']);
  const ok = exit === 'exit status 0';
  const body = kv([
    ['argv', `<code>${esc(argv.join(' '))}</code>`],
    ['result', `<span class="${ok ? 'ok-t' : d['skipped'] ? '' : 'bad-t'}">${esc(exit || '—')}</span>${d['timedOut'] === true ? ' <span class="bad-t">(timed out)</span>' : ''}`],
    ['duration', d['durationMs'] === null ? '—' : esc(fmtMs(Number(d['durationMs'])))],
    ['environment keys', keysList(arr(d['envKeys']))],
  ]) + `<div class="wf-title">stderr (the peer logs it line by line)</div><pre class="box">${stderr.length > 0 ? esc(stderr.join('\n')) : '<span class="muted">(empty)</span>'}</pre>${
    str(d['stdout']) ? `<div class="wf-title">stdout (the peer discards it)</div><pre class="box">${esc(str(d['stdout']))}</pre>` : ''
  }`;
  return drawer(`${str(d['builder'])} bin/${str(d['program'])}`, `${exit || '—'}${typeof d['durationMs'] === 'number' ? ` · ${fmtMs(d['durationMs'])}` : ''}`, body, `build-${str(d['program'])}`);
}

function keysList(keys: readonly Json[]): string {
  return keys.length === 0 ? '<span class="muted">none</span>' : `<span class="keys">${keys.map((k) => `<code>${esc(str(k))}</code>`).join('')}</span>`;
}

function connectionDrawer(e: Evidence): string {
  if (e.title === 'certificates') {
    const certs = arr(e.data).filter(isRecord);
    const body = certs
      .map((c) => {
        if (c['problem']) return `<div class="bad-t">${esc(str(c['field']))}: ${esc(str(c['problem']))}</div>`;
        const names = [...arr(c['dnsNames']).map((n) => `DNS:${str(n)}`), ...arr(c['ipAddresses']).map((n) => `IP:${str(n)}`)];
        const days = Number(c['daysLeft']);
        return `<div class="wf-title">${esc(str(c['field']))}${Number(c['index']) > 0 ? ` #${Number(c['index']) + 1}` : ''}</div>${kv([
          ['subject', esc(str(c['subject']))],
          ['issuer', esc(str(c['issuer']))],
          ['names (SAN)', names.length > 0 ? esc(names.join(', ')) : `<span class="bad-t">${c['hasSanExtension'] === true ? 'empty SAN extension' : 'no SAN extension (Go ignores the Common Name)'}</span>`],
          ['valid', `${esc(str(c['notBefore']))} → ${esc(str(c['notAfter']))} <span class="${days < 0 ? 'bad-t' : days < 30 ? 'bad-t' : 'muted'}">(${days < 0 ? `expired ${-days} days ago` : `${days} days left`})</span>`],
          ['CA', c['isCA'] === true ? `yes${c['selfIssued'] === true ? ', self-issued' : ''}` : 'no'],
          ['extended key usage', c['extKeyUsage'] === null ? '<span class="muted">any (no extension)</span>' : esc(arr(c['extKeyUsage']).map(str).join(', '))],
          ['key', esc(`${str(c['key'])}, signed ${str(c['signatureAlgorithm'])}`)],
          ['SHA-256 fingerprint', `<code>${esc(str(c['fingerprint256']))}</code>`],
        ])}`;
      })
      .join('');
    return drawer('Certificates in connection.json', `${certs.length} certificate${certs.length === 1 ? '' : 's'}; private keys are never shown`, body, 'certificates');
  }
  const raw = str(e.data);
  let pretty = raw;
  try {
    pretty = JSON.stringify(JSON.parse(raw) as Json, null, 2);
  } catch {
    // shown as released: it may be exactly what the peer could not parse
  }
  return drawer('Released connection.json', 'as the peer reads it from the durable release; private keys redacted', `<pre class="box">${esc(pretty)}</pre>`, 'connection-json');
}

function dialDrawer(e: Evidence): string {
  if (e.stage === 'server') {
    const lines = arr(e.data).map(str);
    return drawer('Chaincode server output', `last ${lines.length} lines`, `<pre class="box">${lines.length > 0 ? esc(lines.join('\n')) : '<span class="muted">(empty)</span>'}</pre>`, 'server-output');
  }
  const d = e.data;
  if (!isRecord(d)) return genericDrawer(e);
  const probe = isRecord(d['probe']) ? d['probe'] : null;
  const stages = probe ? arr(probe['stages']).filter(isRecord) : [];
  const body =
    kv([
      ['address', `<code>${esc(str(d['address']))}</code>`],
      ['security', esc(str(d['tls']))],
      ['dial timeout', typeof d['dialTimeoutMs'] === 'number' ? esc(fmtMs(d['dialTimeoutMs'])) : '—'],
      ['connected in', typeof d['connectMs'] === 'number' ? `<span class="ok-t">${esc(fmtMs(d['connectMs']))}</span>` : '<span class="bad-t">not connected</span>'],
      ...(probe ? ([['probe', `<b>${esc(str(probe['classification']))}</b>: ${esc(str(probe['explanation']))}`]] as Array<[string, string]>) : []),
    ]) +
    (stages.length > 0
      ? `<table class="grid"><tr><th>stage</th><th>result</th><th>time</th><th>detail</th></tr>${stages
          .map((s) => `<tr><td class="mono">${esc(str(s['name']))}</td><td>${s['ok'] === true ? '<span class="ok-t">ok</span>' : '<span class="bad-t">failed</span>'}</td><td>${esc(fmtMs(Number(s['ms'])))}</td><td>${esc(str(s['detail']))}</td></tr>`)
          .join('')}</table>`
      : '');
  return drawer('Dial', `${str(d['tls'])}${typeof d['connectMs'] === 'number' ? ` · connected in ${fmtMs(d['connectMs'])}` : probe ? ` · ${str(probe['classification'])}` : ''}`, body, 'dial');
}

function transcriptDrawer(e: Evidence): string {
  const entries = arr(e.data).filter(isRecord);
  const shown = entries.slice(0, 400);
  const rows = shown
    .map((m) => {
      const dir = str(m['dir']);
      const arrow = dir === 'peer→cc' ? 'peer → chaincode' : dir === 'cc→peer' ? 'chaincode → peer' : 'note';
      const txid = str(m['txid']);
      return `<tr><td class="mono">${esc(fmtMs(Number(m['at'])))}</td><td>${esc(arrow)}</td><td class="mono"><b>${esc(str(m['type']))}</b></td><td class="mono" title="${esc(txid)}">${esc(txid.length > 12 ? `${txid.slice(0, 12)}…` : txid)}</td><td class="mono">${esc(str(m['channelId']))}</td><td>${esc(str(m['payloadBytes']))}</td><td>${esc(str(m['note']))}</td></tr>`;
    })
    .join('');
  return drawer(
    'ChaincodeMessage transcript',
    `${entries.length} message${entries.length === 1 ? '' : 's'} on /protos.Chaincode/Connect`,
    `<table class="grid"><tr><th>t</th><th>direction</th><th>type</th><th>txid</th><th>channel</th><th>bytes</th><th>note</th></tr>${rows}</table>${entries.length > shown.length ? `<p class="muted">${entries.length - shown.length} more messages in messages.ndjson.</p>` : ''}`,
    'transcript',
  );
}

function genericDrawer(e: Evidence): string {
  return drawer(`${e.stage}: ${e.title}`, '', `<pre class="box">${esc(JSON.stringify(e.data, null, 2))}</pre>`, `${e.stage}-${e.title}`.replace(/[^a-z0-9-]+/gi, '-'));
}

function evidenceDrawer(e: Evidence): string {
  if (e.stage === 'build') return buildDrawer(e);
  if (e.stage === 'connection') return connectionDrawer(e);
  if (e.stage === 'dial' || e.stage === 'server') return dialDrawer(e);
  if (e.stage === 'protocol' && Array.isArray(e.data)) return transcriptDrawer(e);
  return genericDrawer(e);
}

// ---- page ---------------------------------------------------------------------------------------

function section(s: Section, i: number, m: ComplianceModel): string {
  const rules = m.rules.filter((r) => r.section === s.id);
  const c = tallies(rules);
  const meta = TALLIES.filter((t) => c[t] > 0)
    .map((t) => `<span class="st ${t}">${TALLY_ICON[t]} ${c[t]} ${esc(TALLY_WORD[t])}</span>`)
    .join('');
  const stageChart = s.stages.length > 0 ? `<div class="wf-title">Stage on the run's clock</div>${waterfall(s.stages, { offset: 0, scale: Math.max(1, m.durationMs) })}` : '';
  const phaseTitle = s.evidence.some((e) => e.stage === 'build')
    ? 'Builder programs'
    : s.evidence.some((e) => e.stage === 'protocol')
      ? 'Messages on the stream (time since it opened)'
      : s.evidence.some((e) => e.stage === 'dial')
        ? 'Dial'
        : 'Inside the stage';
  const phaseChart = s.phases.length > 0 ? `<div class="wf-title">${esc(phaseTitle)}</div>${waterfall(s.phases)}` : '';
  const drawers = s.evidence.length > 0 ? `<div class="drawers"><div class="h">Evidence</div>${s.evidence.map(evidenceDrawer).join('')}</div>` : '';
  return `<section class="stage" id="stage-${esc(s.id)}" data-stage="${esc(s.id)}">
<header><h2><span class="num">${i + 1}</span>${esc(s.title)}</h2><div class="stage-meta">${meta}<span>${esc(fmtMs(s.durationMs))}</span></div></header>
${s.description ? `<p class="desc">${prose(s.description)}</p>` : ''}
${stageChart || phaseChart ? `<div class="timing">${stageChart}${phaseChart}</div>` : ''}
<table class="rules"><colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"></colgroup>
<thead><tr><th>Rule</th><th>Status</th><th>Finding</th><th>Fabric source</th></tr></thead><tbody>
${rules.map(ruleRow).join('\n')}
</tbody></table><div class="empty-note">No rule of this stage matches the filters.</div>
${drawers}
</section>`;
}

/** The team's own scenarios (`--features`): business behaviour, gating the run beside the rules. */
function ownScenarios(m: ComplianceModel): string {
  const own = m.ownScenarios;
  if (own.length === 0) return '';
  const icon = { passed: STATUS_ICON.passed, failed: STATUS_ICON.failed, skipped: STATUS_ICON.skipped } as const;
  const rows = own
    .map(
      (sc) =>
        `<tr class="own" data-status="${sc.status}"><td><b>${esc(sc.name)}</b><div class="muted mono">${esc(sc.uri)}</div></td><td><span class="st ${sc.status}">${icon[sc.status]} ${esc(sc.status)}</span></td><td>${
          sc.failedStep ? `<div>at <code>${esc(sc.failedStep)}</code></div>` : ''
        }${sc.message ? `<pre class="box">${esc(sc.message)}</pre>` : sc.status === 'passed' ? '<span class="muted">every step passed</span>' : ''}${sc.transcript && Array.isArray(sc.transcript.data) ? transcriptDrawer(sc.transcript) : ''}</td><td class="muted">${esc(fmtMs(sc.durationMs))}</td></tr>`,
    )
    .join('\n');
  const passedCount = own.filter((x) => x.status === 'passed').length;
  return `<section class="stage" id="your-scenarios"><header><h2>Your scenarios</h2><div class="stage-meta"><span>${passedCount} of ${own.length} passed</span></div></header>
<p class="desc">Your own Gherkin scenarios (--features), run by the mock peer against your chaincode server. A failing one fails the run (exit 1) whatever the conformance verdict.</p>
<table class="rules own"><colgroup><col style="width:26%"><col style="width:11%"><col><col style="width:9%"></colgroup>
<thead><tr><th>Scenario</th><th>Status</th><th>What happened</th><th>Time</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

/** What the chaincode itself answered: its own category, beside the rules, never a peer rejection. */
function chaincodeAnswers(m: ComplianceModel): string {
  const list = m.chaincodeAnswers;
  if (list.length === 0) return '';
  const rows = list
    .map((a) => `<tr class="answer" data-fails-run="${a.failsRun}"><td><b>${esc(a.request === 'smoke' ? 'smoke transaction' : 'unknown function')}</b><div class="muted mono">${esc(a.fn)}</div></td><td><code>${esc(a.answer)}</code></td><td>${esc(a.peer)}</td><td>${a.failsRun ? 'fails the run (exit 1)' : '<span class="muted">does not change the exit code</span>'}</td></tr>`)
    .join('\n');
  return `<section class="stage" id="chaincode-answers"><header><h2>Chaincode answers</h2><div class="stage-meta"><span>the peer accepts the setup</span></div></header>
<p class="desc">What the chaincode itself answered. The peer accepted the setup and relayed these answers; they are the chaincode's behaviour, not the peer's verdict, and change no rule. Only a smoke transaction you asked for with --smoke that fails fails the run.</p>
<table class="rules answers"><colgroup><col style="width:20%"><col style="width:20%"><col><col style="width:13%"></colgroup>
<thead><tr><th>Transaction</th><th>Chaincode's answer</th><th>What the peer does</th><th>Exit code</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function tiles(m: ComplianceModel): string {
  const tile = (level: 'MUST' | 'SHOULD'): string => {
    const rules = m.rules.filter((r) => r.level === level);
    const t = tallies(rules);
    const shown = TALLIES.filter((k) => k === 'passed' || k === 'failed' || t[k] > 0);
    return `<div class="tile" data-level="${level}"><div class="tile-head">${esc(count(rules.length, `${level} rule`))}</div><div class="tile-nums">${shown
      .map((k) => `<div data-count="${k}"><b>${t[k]}</b><span>${esc(TALLY_WORD[k])}</span></div>`)
      .join('')}</div></div>`;
  };
  return `<div class="tiles" id="counts">${tile('MUST')}${tile('SHOULD')}<div class="tile gate"><div class="tile-head">exit code</div><div class="tile-nums"><div><b>${m.gate.exitCode}</b><span>--level ${esc(m.gate.level)}</span></div></div></div></div>`;
}

function facts(m: ComplianceModel): string {
  const f = m.facts;
  const builders = m.evidence.find((e) => e.stage === 'build' && e.title === 'builders');
  const detected = builders && isRecord(builders.data) ? str(builders.data['detected']) : '';
  const peer = m.run?.peer;
  const item = (k: string, v: string, wide = false, cls = ''): string => `<div${wide ? ' class="wide"' : cls ? ` class="${cls}"` : ''}><dt>${esc(k)}</dt><dd>${v}</dd></div>`;
  const dash = '<span class="muted">—</span>';
  return `<section class="card" id="package"><h2>Package</h2><dl class="facts">
${item('package ID', f?.packageId ? `<code class="pkgid" id="package-id">${esc(f.packageId)}</code>` : dash, true)}
${item('label', f?.label ? `<code>${esc(f.label)}</code>` : dash)}
${item('type', f?.type ? `<code>${esc(f.type)}</code>` : dash)}
${item('builder', detected ? `<code>${esc(detected)}</code>` : peer ? esc(peer.builders.join(', ')) : dash)}
${item('peers', peer ? esc(peer.peers.join(', ')) : dash)}
${item('size', f?.size !== null && f?.size !== undefined ? `${grouped(f.size)} bytes` : dash)}
${item('file', f?.path ? `<code>${esc(f.path)}</code>` : dash, false, 'span3')}
</dl></section>`;
}

function toolbar(m: ComplianceModel, problemsFirst: boolean): string {
  const t = tallies(m.rules);
  const shown = TALLIES.filter((k) => t[k] > 0 || k === 'passed' || k === 'failed');
  const levelCount = (l: 'MUST' | 'SHOULD'): number => m.rules.filter((r) => r.level === l).length;
  return `<nav class="toolbar" id="filters" aria-label="Filter rules">
<div class="grp"><span>Status</span>${shown
    .map(
      (k) =>
        `<label class="chip" title="${esc(TALLY_MEANING[k])}"><input type="checkbox" name="status" value="${k}"${PROBLEM.has(k) ? ' data-problem' : ''}${!problemsFirst || PROBLEM.has(k) ? ' checked' : ''}>${TALLY_ICON[k]} ${esc(TALLY_WORD[k])} <span class="k">${t[k]}</span></label>`,
    )
    .join('')}</div>
<div class="grp"><span>Level</span>${(['MUST', 'SHOULD'] as const).map((l) => `<label class="chip"><input type="checkbox" name="level" value="${l}" checked>${l} <span class="k">${levelCount(l)}</span></label>`).join('')}</div>
<div class="grp"><button type="button" id="only-problems">Only problems</button><button type="button" id="show-all">Show all ${esc(count(m.rules.length, 'rule'))}</button><button type="button" id="open-all">Open / close drawers</button><input type="search" id="search" placeholder="Search rules…" aria-label="Search rules"></div>
</nav>`;
}

/** A run that does not pass leads with what to fix, and its rule table starts on the problems. */
function leadsWithProblems(m: ComplianceModel): boolean {
  return m.gate.exitCode !== 0;
}

/** The re-run command as shell words that never break inside a word (nor inside a rule id). */
function commandHtml(words: readonly string[]): string {
  return words
    .map((w, i) => {
      const q = shellQuote(w);
      // The --run list may break after a comma, never inside a rule id.
      if (words[i - 1] === '--run' && q === w) return w.split(',').map((id) => `<span class="tok">${esc(id)}</span>`).join(',<wbr>');
      return `<span class="tok">${esc(q)}</span>`;
    })
    .join(' ');
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).trim();
}

/**
 * Under the banner of a run that does not pass: each failed gating rule with its one-line message,
 * each rule that blocked others, each linked to its row; the re-run command with a copy button.
 */
function problems(m: ComplianceModel): string {
  if (!leadsWithProblems(m)) return '';
  const gating = (r: RuleResult): boolean => r.level === 'MUST' || m.gate.level === 'should';
  const link = (id: string): string => `<a class="rid mono" href="#rule-${esc(id)}">${esc(id)}</a>`;
  const item = (r: RuleResult, extra = ''): string =>
    `<li data-rule="${esc(r.id)}" title="${esc(firstLine(r.message))}"><a class="rid mono lead" href="#rule-${esc(r.id)}">${esc(r.id)}</a><span class="lvl ${r.level}">${r.level}</span>${statusPill(tallyOf(r))} <span class="msg-1">${prose(firstLine(r.message))}</span>${extra}</li>`;
  const failed = m.rules.filter((r) => (r.status === 'failed' && gating(r)) || r.status === 'error' || r.baseline === 'stale');
  const blockers = new Map<string, RuleResult[]>();
  for (const r of m.rules.filter((x) => x.status === 'skipped' && gating(x))) blockers.set(r.blockedBy ?? '', [...(blockers.get(r.blockedBy ?? '') ?? []), r]);
  const blockerItems = [...blockers].map(([by, rs]) => {
    const blocker = m.rules.find((r) => r.id === by);
    const what = `${esc(count(rs.length, 'rule'))} blocked (not judged)`;
    if (!blocker) return `<li class="blocker">○ ${what}: ${rs.map((r) => link(r.id)).join(', ')}</li>`;
    return `<li class="blocker">○ ${what} by ${link(blocker.id)}${blocker.status === 'failed' ? '' : ` (${esc(TALLY_WORD[tallyOf(blocker)])})`}: ${rs.map((r) => link(r.id)).join(', ')}</li>`;
  });
  const own = m.ownScenarios.filter((x) => x.status === 'failed').map((sc) => `<li>✗ your scenario <b>${esc(sc.name)}</b>: ${esc(firstLine(sc.message ?? 'failed'))}</li>`);
  const words = rerunWords(m);
  const title = failed.length > 0 ? `What to fix: ${count(failed.length, `${m.gate.level === 'should' ? '' : 'MUST '}rule`)} ${failed.length === 1 ? 'fails' : 'fail'}` : 'What did not pass';
  return `<section class="problems" id="problems"><div class="wrap">
<h2>${esc(title)}</h2>
<ul>${failed.map((r) => item(r)).join('')}${blockerItems.join('')}${own.join('')}</ul>
${words ? `<div class="cmdline"><pre id="rerun-top" class="mono" aria-label="Re-run only what did not pass">${commandHtml(words)}</pre><button type="button" id="copy-rerun" title="Copy the re-run command">Copy</button></div>` : ''}
<div class="view">The rules below show only problems. <button type="button" id="show-all-top">Show all ${esc(count(m.rules.length, 'rule'))}</button></div>
</div></section>`;
}

export function toHtml(m: ComplianceModel): string {
  const v = VERDICT[m.verdict];
  const rerun = rerunLine(m);
  const when = m.startedAt ? m.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
  const tool = m.run?.tool ? `${m.run.tool.name} ${m.run.tool.version}` : 'ccaas-conformance';
  const timeline = m.timeline.length > 0 ? `<section class="card" id="timeline"><h2>Stages</h2>${waterfall(m.timeline, { scale: Math.max(1, m.durationMs) })}</section>` : '';
  const sections = m.sections.map((s, i) => section(s, i, m)).join('\n');
  const orphans = m.rules.filter((r) => !m.sections.some((s) => s.id === r.section));
  const orphanTable =
    orphans.length > 0
      ? `<section class="stage" id="stage-other"><header><h2>Other rules</h2></header><table class="rules"><colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"></colgroup><tbody>${orphans.map(ruleRow).join('\n')}</tbody></table><div class="empty-note">No rule matches the filters.</div></section>`
      : '';
  const runErr = m.runError ? `<section class="card"><h2>The harness failed</h2><pre class="box">${esc(m.runError)}</pre></section>` : '';
  const gateReasons =
    m.gate.reasons.length > 0 ? `<p><b>Exit code ${m.gate.exitCode}</b> (--level ${esc(m.gate.level)}) because:</p><ul>${m.gate.reasons.map((r) => `<li>${prose(r)}</li>`).join('')}</ul>` : `<p><b>Exit code 0</b> (--level ${esc(m.gate.level)}): the run passes.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="${esc(tool)}">
<title>${esc(v.label)} · ${esc(m.facts?.label ?? m.facts?.packageId ?? 'package')} · ccaas-conformance</title><style>${STYLE}</style></head>
<body>
<header class="top"><div class="wrap"><div class="brand">ccaas-conformance · Hyperledger Fabric chaincode-as-a-service</div>
<h1>Compliance report${m.facts?.label ? `: <span class="mono">${esc(m.facts.label)}</span>` : ''}</h1>
<p class="sub">What a Fabric peer would do with this package and chaincode server${when ? ` · run ${esc(when)}` : ''} · ${esc(fmtMs(m.durationMs))}</p></div></header>
<section class="verdict v-${m.verdict}" id="verdict" data-verdict="${m.verdict}"><div class="wrap">
<div class="verdict-main"><div class="verdict-icon" aria-hidden="true">${v.icon}</div><div><div class="verdict-label">${esc(v.label)}</div><p>${prose(m.summary)}</p>${harnessNotes(m).map((n) => `<p class="note">note: ${esc(n)}</p>`).join('')}</div></div>
${tiles(m)}
</div></section>
${problems(m)}
<main class="wrap">
${runErr}
${facts(m)}
${timeline}
${toolbar(m, leadsWithProblems(m))}
${sections}
${orphanTable}
${ownScenarios(m)}
${chaincodeAnswers(m)}
<footer class="card" id="run">
<h2>This run</h2>
${gateReasons}
${rerun ? `<div class="cmd"><div style="flex:1"><div class="wf-title">Re-run only what did not pass</div><pre class="box" id="rerun">${esc(rerun)}</pre></div></div>` : ''}
${m.run ? `<div class="wf-title">Command line</div><pre class="box">${esc(['ccaas-conformance', ...m.run.argv].join(' '))}</pre>` : ''}
<p class="muted">Every report of this run is rendered from one Cucumber message stream: <a href="messages.ndjson">messages.ndjson</a> · <a href="result.json">result.json</a> · <a href="junit.xml">junit.xml</a> · <a href="cucumber.html">cucumber.html</a> (Cucumber's own report). Private keys are redacted from every artifact. Generated by ${esc(tool)}.</p>
<p class="muted">Statuses: ${TALLIES.map((k) => `<b>${esc(TALLY_WORD[k])}</b>: ${esc(TALLY_MEANING[k])}`).join('; ')}.</p>
</footer>
</main><script>${SCRIPT}</script></body></html>
`;
}
