import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildModel, parseEnvelopes, phasesOf } from '../../src/report/model.js';
import { finding, makeStream, passingFeatures, runInfo, type ScenarioSpec } from './report-stream.js';

const blocked = (rule: string, by: string): ReturnType<typeof finding> => finding(rule, 'skipped', `not judged: blocked by ${by} (the peer cannot connect)`);

function failingDial(): ScenarioSpec[] {
  return [
    { name: 'ready', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'failed', 'the peer cannot connect: nothing listens', { peerError: 'could not launch chaincode x: connection refused', remedy: 'start the server' }) },
    { name: 'tls', rule: 'DIAL-05', level: 'MUST', finding: blocked('DIAL-05', 'DIAL-03') },
    { name: 'keepalive', rule: 'DIAL-02', level: 'SHOULD', finding: blocked('DIAL-02', 'DIAL-03') },
  ];
}

describe('report model: verdicts and statuses that do not lie', () => {
  it('calls a run with every MUST rule passed (DIAL-05 not applicable) conformant, exit 0', () => {
    const m = buildModel(makeStream(passingFeatures(), { run: runInfo() }));
    assert.equal(m.verdict, 'conformant');
    assert.equal(m.gate.exitCode, 0);
    assert.deepEqual(m.gate.reasons, []);
    const dial05 = m.rules.find((r) => r.id === 'DIAL-05');
    assert.equal(dial05?.status, 'disabled');
    assert.equal(dial05?.reason, 'not-applicable');
    assert.equal(m.counts.MUST['passed'], 4);
    assert.equal(m.counts.MUST['disabled'], 1);
    assert.equal(m.counts.SHOULD['passed'], 1);
    assert.equal(m.facts?.packageId, `asset_ccaas:${'ab'.repeat(32)}`);
    assert.match(m.summary, /would accept/);
  });

  it('a failed MUST rule makes the run non-conformant; the rules it blocks are skipped, named, and never conformant', () => {
    const m = buildModel(makeStream(passingFeatures({ dial: failingDial() }), { run: runInfo() }));
    assert.equal(m.verdict, 'non-conformant');
    assert.equal(m.gate.exitCode, 1);
    const d5 = m.rules.find((r) => r.id === 'DIAL-05');
    assert.equal(d5?.status, 'skipped');
    assert.equal(d5?.reason, 'blocked');
    assert.equal(d5?.blockedBy, 'DIAL-03');
    assert.deepEqual(m.gate.rerun, ['DIAL-03', 'DIAL-05', 'DIAL-02']);
    assert.ok(m.gate.reasons.some((r) => /DIAL-03 \[MUST\] failed/.test(r)));
    assert.ok(m.gate.reasons.some((r) => /DIAL-05 \[MUST\] is blocked by DIAL-03 \(not judged\)/.test(r)));
    const d3 = m.rules.find((r) => r.id === 'DIAL-03');
    assert.equal(d3?.remedy, 'start the server');
    assert.equal(d3?.peerError, 'could not launch chaincode x: connection refused');
  });

  it('a MUST rule skipped only because it was blocked still is not conformant, even when nothing else failed', () => {
    const m = buildModel(makeStream(passingFeatures({ dial: [{ name: 'x', rule: 'DIAL-03', level: 'MUST', finding: blocked('DIAL-03', 'CONN-07') }] }), { run: runInfo() }));
    assert.equal(m.verdict, 'non-conformant');
    assert.equal(m.gate.exitCode, 1);
  });

  it('a harness error on any rule, or a crashed run, is an error verdict with exit 3', () => {
    const m = buildModel(makeStream(passingFeatures({ dial: [{ name: 'x', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'error', 'the harness failed in the dial stage: boom\n    at stack') }] }), { run: runInfo() }));
    assert.equal(m.verdict, 'error');
    assert.equal(m.gate.exitCode, 3);
    assert.ok(!m.gate.reasons.some((r) => r.includes('at stack')), 'reasons carry the first line only');
    const crashed = buildModel(makeStream(passingFeatures(), { run: runInfo(), runError: 'BeforeAll hook errored' }));
    assert.equal(crashed.verdict, 'error');
    assert.equal(crashed.gate.exitCode, 3);
    assert.equal(crashed.runError, 'BeforeAll hook errored');
    assert.equal(buildModel([]).verdict, 'error');
  });

  it('--level should makes SHOULD failures fail the exit code; --level must reports them without failing', () => {
    const features = passingFeatures();
    const f0 = features[0];
    assert.ok(f0);
    const withShould = [{ ...f0, scenarios: [...f0.scenarios.slice(0, 2), { name: 'two', rule: 'PKG-03', level: 'SHOULD' as const, finding: finding('PKG-03', 'failed', 'an unexpected ./x entry') }] }, ...features.slice(1)];
    const must = buildModel(makeStream(withShould, { run: runInfo({ level: 'must' }) }));
    assert.equal(must.verdict, 'conformant');
    assert.equal(must.gate.exitCode, 0);
    const should = buildModel(makeStream(withShould, { run: runInfo({ level: 'should' }) }));
    assert.equal(should.verdict, 'conformant', 'the verdict is about MUST rules');
    assert.equal(should.gate.exitCode, 1);
    assert.deepEqual(should.gate.reasons, ['PKG-03 [SHOULD] failed']);
  });
});

describe('report model: expected failures', () => {
  const file = 'ci/expected-failures.txt';

  it('a listed failure is expected-failure: the run passes, the verdict still says non-conformant, blocked rules do not fail it', () => {
    const m = buildModel(makeStream(passingFeatures({ dial: failingDial() }), { run: runInfo({ expectedFailures: { file, entries: [{ rule: 'DIAL-03', reason: 'server not deployed yet' }] } }) }));
    const d3 = m.rules.find((r) => r.id === 'DIAL-03');
    assert.equal(d3?.status, 'expected-failure');
    assert.equal(d3?.baseline, 'expected-failure');
    assert.match(d3?.message ?? '', /expected failure, listed in ci\/expected-failures.txt: server not deployed yet/);
    assert.equal(m.verdict, 'non-conformant');
    assert.equal(m.gate.exitCode, 0, m.gate.reasons.join('; '));
    assert.deepEqual(m.gate.rerun, [], 'expected failures and what they block are not re-run');
    assert.equal(m.counts.MUST['expected-failure'], 1);
  });

  it('a listed rule that now passes is stale: it fails the run with a message naming it', () => {
    const m = buildModel(makeStream(passingFeatures(), { run: runInfo({ expectedFailures: { file, entries: [{ rule: 'PKG-02', reason: null }, { rule: 'PROTO-04', reason: null }] } }) }));
    assert.equal(m.verdict, 'conformant', 'the package is fine; the list is not');
    assert.equal(m.gate.exitCode, 1);
    assert.deepEqual(m.gate.stale, ['PKG-02']);
    assert.deepEqual(m.gate.reasons, ['stale expected-failure: PKG-02 is listed in ci/expected-failures.txt but now passes; remove it from the list']);
    assert.deepEqual(m.gate.notJudged, ['PROTO-04']);
    const r = m.rules.find((x) => x.id === 'PKG-02');
    assert.equal(r?.status, 'passed');
    assert.equal(r?.baseline, 'stale');
  });
});

describe('report model: selection, sections, timings, evidence', () => {
  it('rules whose scenarios were not selected are disabled (selection): a partial verdict, exit 0', () => {
    const features = passingFeatures({ dial: [{ name: 'ready', rule: 'DIAL-03', level: 'MUST', notRun: true }] });
    const m = buildModel(makeStream(features, { run: runInfo({ selection: { run: [], skip: ['DIAL-*'], tags: null } }) }));
    const d3 = m.rules.find((r) => r.id === 'DIAL-03');
    assert.equal(d3?.status, 'disabled');
    assert.equal(d3?.reason, 'selection');
    assert.equal(d3?.message, 'disabled: not selected by --skip DIAL-*');
    assert.equal(m.verdict, 'partial');
    assert.equal(m.gate.exitCode, 0);
    assert.match(m.summary, /1 MUST rule was disabled \(not judged, by configuration\)/);
  });

  it('--offline disabled stages make a partial verdict too, never a plain conformant', () => {
    const m = buildModel(makeStream(passingFeatures({ dial: [{ name: 'ready', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'disabled', 'disabled by --offline') }] }), { run: runInfo({ offline: true }) }));
    assert.equal(m.rules.find((r) => r.id === 'DIAL-03')?.reason, 'configuration');
    assert.equal(m.verdict, 'partial');
  });

  it('groups rules into one section per stage in feature order, with the stage steps on the run clock', () => {
    const m = buildModel(makeStream(passingFeatures(), { run: runInfo() }));
    assert.deepEqual(m.sections.map((s) => s.id), ['package', 'build', 'dial']);
    assert.deepEqual(m.sections[0]?.rules, ['PKG-01', 'PKG-02', 'PKG-03']);
    assert.equal(m.sections[0]?.title, 'Install — the peer parses the package');
    const install = m.timeline.find((b) => b.label === 'the peer installs the package');
    assert.ok(install);
    assert.equal(install.durationMs, 20);
    assert.equal(install.startMs, 0);
    const build = m.timeline.find((b) => b.label.startsWith('the peer builds'));
    assert.ok(build && build.startMs > install.startMs);
    assert.equal(m.sections[1]?.phases[0]?.label, 'ccaas_builder bin/detect');
    assert.equal(m.sections[1]?.phases[0]?.durationMs, 12);
    assert.deepEqual(m.sections[1]?.evidence.map((e) => e.title), ['ccaas_builder detect', 'build-info.json']);
    assert.equal(m.sections[1]?.phases.length, 1, 'only builder programs are waterfall rows');
    assert.ok(m.durationMs > 60);
  });

  it('turns builder, dial and transcript evidence into waterfall rows', () => {
    const bars = phasesOf([
      { stage: 'build', title: 'b detect', data: { builder: 'b', program: 'detect', exit: 'exit status 0', durationMs: 5, skipped: null } },
      { stage: 'build', title: 'b build', data: { builder: 'b', program: 'build', exit: 'exit status 1', durationMs: 7, skipped: null } },
      { stage: 'dial', title: 'dial', data: { address: 'x:1', tls: 'TLS', connectMs: null, probe: { classification: 'tls-wrong-ca', stages: [{ name: 'tcp', ok: true, ms: 1, detail: '' }, { name: 'tls', ok: false, ms: 2, detail: 'unknown authority' }] } } },
      {
        stage: 'protocol',
        title: 't',
        data: [
          { at: 1, dir: 'cc→peer', type: 'REGISTER', txid: '' },
          { at: 3, dir: 'peer→cc', type: 'REGISTERED', txid: '' },
          { at: 4, dir: 'peer→cc', type: 'READY', txid: '' },
          { at: 10, dir: 'peer→cc', type: 'TRANSACTION', txid: 'abcdef0123456789' },
          { at: 12, dir: 'cc→peer', type: 'GET_STATE', txid: 'abcdef0123456789' },
          { at: 13, dir: 'peer→cc', type: 'RESPONSE', txid: 'abcdef0123456789' },
          { at: 20, dir: 'cc→peer', type: 'COMPLETED', txid: 'abcdef0123456789' },
          { at: 30, dir: 'note', type: '', txid: '', note: 'stream ended (EOF)' },
        ],
      },
    ]);
    assert.deepEqual(
      bars.map((b) => [b.label, b.startMs, b.durationMs, b.state]),
      [
        ['b bin/detect', 0, 5, 'ok'],
        ['b bin/build', 5, 7, 'failed'],
        ['probe: tcp', 0, 1, 'ok'],
        ['probe: tls', 1, 2, 'failed'],
        ['REGISTER → READY', 1, 3, 'ok'],
        ['TRANSACTION → COMPLETED abcdef01 (1 request)', 10, 10, 'ok'],
        ['stream ended (EOF)', 30, 0, 'info'],
      ],
    );
  });

  it('redacts private keys that reach the stream unredacted (findings, evidence, step messages)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const body = pem.split('\n')[1] as string;
    const features = passingFeatures({
      dial: [
        {
          name: 'ready',
          rule: 'DIAL-03',
          level: 'MUST',
          finding: finding('DIAL-03', 'failed', `server printed ${pem}`, { evidence: { client_key: 'whatever it holds' } }),
          evidence: [{ stage: 'server', title: 'out', data: pem.split('\n') }],
        },
      ],
    });
    const m = buildModel(parseEnvelopes(makeStream(features, { run: runInfo() }).map((e) => JSON.stringify(e)).join('\n')));
    const all = JSON.stringify(m);
    assert.ok(!all.includes(body), 'key body leaked into the model');
    assert.ok(all.includes('[REDACTED PRIVATE KEY]'));
  });
});
