import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toConsole, rerunLine } from '../../src/report/console.js';
import { toHtml } from '../../src/report/html.js';
import { toJunit } from '../../src/report/junit.js';
import { buildModel } from '../../src/report/model.js';
import { toResultJson } from '../../src/report/result.js';
import { finding, makeStream, passingFeatures, runInfo } from './report-stream.js';

/** Every renderer says the same thing as the model: verdict, counts, statuses, gate, re-run line. */

function failing(): ReturnType<typeof buildModel> {
  return buildModel(
    makeStream(
      passingFeatures({
        dial: [
          { name: 'ready', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'failed', 'the peer cannot connect: nothing listens on localhost:9', { peerError: 'could not launch chaincode x: connection refused <&>', remedy: 'Start the server.' }) },
          { name: 'tls', rule: 'DIAL-05', level: 'MUST', finding: finding('DIAL-05', 'skipped', 'not judged: blocked by DIAL-03 (the peer cannot connect)') },
        ],
      }),
      { run: runInfo({ argv: ['pkg.tgz', '--command', 'node s.js', '--run', 'DIAL-*'], rerunBase: ['pkg.tgz', '--command', 'node s.js'] }) },
    ),
  );
}

describe('renderers', () => {
  it('result.json carries verdict, gate, reasons and per-rule reason/baseline/source', () => {
    const m = failing();
    const r = toResultJson(m, '/tmp/pkg.tgz');
    assert.equal(r.schema, 'ccaas-conformance/result@1');
    assert.equal(r.verdict, 'non-conformant');
    assert.equal(r.gate.exitCode, 1);
    assert.equal(r.gate.rerunCommand, "npx ccaas-conformance pkg.tgz --command 'node s.js' --run DIAL-03,DIAL-05");
    const d5 = r.rules.find((x) => x.id === 'DIAL-05');
    assert.deepEqual([d5?.status, d5?.reason, d5?.blockedBy], ['skipped', 'blocked', 'DIAL-03']);
    assert.match(r.rules.find((x) => x.id === 'PKG-01')?.source ?? '', /^https:\/\/github.com\/hyperledger\/fabric\/blob\/0c423ac47fd8\//);
    assert.equal(r.package.packageId, `asset_ccaas:${'ab'.repeat(32)}`);
  });

  it('junit.xml: one suite per stage, failures, skipped with reasons, escaped text', () => {
    const x = toJunit(failing());
    assert.match(x, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ccaas-conformance" tests="6" failures="1" errors="0" skipped="1"/);
    assert.equal((x.match(/<testsuite /g) ?? []).length, 3);
    assert.match(x, /<failure message="the peer cannot connect: nothing listens on localhost:9" type="MUST">/);
    assert.match(x, /peer: could not launch chaincode x: connection refused &lt;&amp;&gt;/);
    assert.match(x, /<skipped message="not judged: blocked by DIAL-03/);
    assert.ok(!/<[^>]*<[^/!?]/.test(x.replace(/\n/g, ' ').replace(/<!--.*?-->/g, '')), 'malformed tag nesting');
  });

  it('junit.xml: a stale expected-failure is a failure on the rule that now passes', () => {
    const m = buildModel(makeStream(passingFeatures(), { run: runInfo({ expectedFailures: { file: 'xf.txt', entries: [{ rule: 'PKG-01', reason: null }] } }) }));
    assert.match(toJunit(m), /<failure message="stale expected-failure: PKG-01 is listed in xf.txt but now passes" type="stale-expected-failure">/);
  });

  it('the console summary leads with the verdict, shows the peer text and fix, the gate, and a re-run line', () => {
    const text = toConsole(failing(), 'reports');
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^ccaas-conformance: NOT CONFORMANT {2}asset_ccaas:/);
    assert.match(text, /✗ DIAL-03 \[MUST\] The connection is ready within dial_timeout/);
    assert.match(text, /peer: could not launch chaincode x: connection refused/);
    assert.match(text, /fix: {2}Start the server\./);
    assert.match(text, /○ 1 rule blocked by DIAL-03 \(MUST\): DIAL-05/);
    assert.match(text, /exit 1 \(--level must\): 1 MUST rule failed \(DIAL-03\); 1 blocked/);
    assert.match(lines.at(-1) ?? '', /^ {2}re-run what did not pass: npx ccaas-conformance pkg\.tgz --command 'node s\.js' --run DIAL-03,DIAL-05$/);
    assert.ok(!text.includes('\x1b['), 'no colours unless asked');
    assert.ok(toConsole(failing(), 'reports', { color: true }).includes('\x1b[31m'));
    const ok = buildModel(makeStream(passingFeatures(), { run: runInfo() }));
    assert.equal(rerunLine(ok), null);
    assert.match(toConsole(ok, 'reports'), /exit 0 \(--level must\): the run passes/);
  });

  it('index.html is self-contained: no external resource, verdict, counts, filters, evidence drawers, escaped text', () => {
    const html = toHtml(failing());
    assert.match(html, /^<!doctype html>/);
    assert.ok(!/<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?\/\//i.test(html), 'an external resource');
    assert.ok(!/@import|url\(/.test(html), 'CSS must not load anything');
    assert.match(html, /id="verdict" data-verdict="non-conformant"/);
    assert.match(html, /NOT CONFORMANT/);
    assert.match(html, /<div data-count="failed"><b>1<\/b><span>failed<\/span><\/div>/);
    assert.match(html, /<input type="checkbox" name="status" value="blocked" data-problem checked>/);
    assert.match(html, /<input type="checkbox" name="level" value="SHOULD" checked>/);
    assert.match(html, /data-evidence="build-detect"/);
    // build evidence that is not a builder program gets the plain drawer, not an empty program view
    assert.match(html, /build: build-info\.json/);
    assert.doesNotMatch(html, /NaN|bin\/<|undefined/);
    assert.match(html, /could not launch chaincode x: connection refused &lt;&amp;&gt;/);
    assert.match(html, /blocked by <a href="#rule-DIAL-03">DIAL-03<\/a>/);
    assert.match(html, /id="stage-package"[\s\S]*id="stage-build"[\s\S]*id="stage-dial"/);
    assert.match(html, /--run DIAL-03,DIAL-05/);
    // the package's size with its thousands grouped (without toLocaleString: src/report/words.ts grouped)
    assert.match(html, /<dt>size<\/dt><dd>5,143 bytes<\/dd>/);
  });

  it('one vocabulary: the tallies of each level add up to its rules in the console, index.html, junit.xml and result.json', () => {
    // One rule of each kind: failed, blocked, not applicable, disabled by configuration, passed.
    const m = buildModel(
      makeStream(
        passingFeatures({
          dial: [
            { name: 'ready', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'failed', 'the peer cannot connect: nothing listens on localhost:9') },
            { name: 'tls', rule: 'DIAL-05', level: 'MUST', finding: finding('DIAL-05', 'skipped', 'not judged: blocked by DIAL-03 (the peer cannot connect)') },
            { name: 'certs', rule: 'DIAL-06', level: 'MUST', finding: finding('DIAL-06', 'disabled', 'not applicable: tls_required is false') },
            { name: 'off', rule: 'DIAL-04', level: 'MUST', finding: finding('DIAL-04', 'disabled', 'disabled by --offline') },
          ],
        }),
        { run: runInfo() },
      ),
    );
    const r = toResultJson(m, 'pkg.tgz');
    const must = r.rules.filter((x) => x.level === 'MUST');
    const t = r.tallies.MUST;
    assert.equal(Object.values(t).reduce((a, b) => a + b, 0), must.length, 'result.json tallies add up');
    assert.deepEqual([t.failed, t.blocked, t['not-applicable'], t.disabled], [1, 1, 1, 1]);
    // The console says the same words and numbers.
    const text = toConsole(m, 'reports');
    assert.match(text, new RegExp(`MUST   ${must.length} rules: ${t.passed} passed, 1 failed, 1 blocked, 1 not applicable, 1 disabled`));
    assert.match(text, /1 MUST rule fails, 1 blocked \(not judged because an earlier rule failed\)/);
    assert.doesNotMatch(text, /could not be judged|not judged,|\b1 rules\b/);
    // index.html's tiles: the same tallies.
    const html = toHtml(m);
    for (const [k, n] of Object.entries(t)) if (n > 0 || k === 'passed' || k === 'failed') assert.match(html, new RegExp(`<div data-count="${k}"><b>${n}</b>`), `tile ${k}`);
    assert.match(html, new RegExp(`<div class="tile-head">${must.length} MUST rules</div>`));
    // junit.xml: failures are the failed rules, every other judged-not rule is skipped.
    const x = toJunit(m);
    const all = r.rules.length;
    const skipped = Object.values(r.tallies.MUST).reduce((a, b) => a + b, 0) - t.passed - t.failed - t.error + (Object.values(r.tallies.SHOULD).reduce((a, b) => a + b, 0) - r.tallies.SHOULD.passed - r.tallies.SHOULD.failed - r.tallies.SHOULD.error);
    assert.match(x, new RegExp(`<testsuites name="ccaas-conformance" tests="${all}" failures="1" errors="0" skipped="${skipped}"`));
    assert.match(x, /<skipped message="not applicable: tls_required is false"\/>/);
  });
});
