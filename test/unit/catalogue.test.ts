import { PROTOCOL_ORACLE_RULES } from '../../src/catalogue/proto.js';
import { isFabricRelease, type FabricRelease } from '../../src/catalogue/releases.js';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CATALOGUE, findRule, sourceUrl } from '../../src/catalogue/index.js';
import { defaultRunConfig } from '../../src/session/config.js';
import { PeerSession, RULE_STAGE } from '../../src/session/session.js';
import type { DialStage, ServerStage } from '../../src/session/types.js';
import { REGISTER_WINDOW_MS } from '../../src/session/stages/serverChecks.js';
import { ROOT } from '../support/cli.js';

/** One rule, one place: catalogue entries, checks and scenarios point at each other by ID. */

function featureScenarios(): Array<{ file: string; name: string; tags: string[] }> {
  const dir = join(ROOT, 'features', 'conformance');
  const out: Array<{ file: string; name: string; tags: string[] }> = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.feature'))) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    let pending: string[] = [];
    for (const line of lines) {
      const t = line.trim();
      if (t.startsWith('@')) pending.push(...t.split(/\s+/).map((x) => x.slice(1)));
      else if (/^Scenario( Outline)?:/.test(t)) {
        out.push({ file, name: t.replace(/^Scenario( Outline)?:\s*/, ''), tags: pending });
        pending = [];
      } else if (t.startsWith('Feature:')) pending = [];
    }
  }
  return out;
}

describe('rule catalogue', () => {
  it('states the register window PROTO-19 really holds open', () => {
    for (const id of ['PROTO-19', 'SHIM-JAVA-04']) assert.match(findRule(id)?.peer ?? '', new RegExp(`${REGISTER_WINDOW_MS} ms`), id);
  });

  it('has unique ids with the fields every report needs', () => {
    const ids = new Set<string>();
    for (const r of CATALOGUE) {
      assert.ok(!ids.has(r.id), `duplicate ${r.id}`);
      ids.add(r.id);
      assert.match(r.id, /^(PKG|CODE|BLD|CONN|DIAL|PROTO|SHIM|DRIFT)(-[A-Z]+)?-\d{2}$/);
      assert.ok(r.title.length > 5 && r.peer.length > 10 && r.remedy.length > 5, r.id);
      assert.ok(r.source.length > 0, `${r.id} has no Fabric source`);
      for (const s of r.source) assert.match(sourceUrl(s), /^https:\/\/github\.com\/hyperledger\/[a-z-]+\/blob\/[0-9a-f]{8,}\//);
      if (r.confidence === 'settled') assert.ok(r.settledBy, `${r.id} is settled but does not say how`);
      if (r.family === 'PROTO') assert.equal(r.confidence === 'fabric', PROTOCOL_ORACLE_RULES.has(r.id), `${r.id}: a PROTO rule says confidence 'fabric' exactly when the protocol oracle covers it`);
      for (const rel of r.releases?.appliesTo ?? []) assert.ok(isFabricRelease(rel), `${r.id} names release ${rel}`);
      for (const rel of Object.keys(r.releases?.differences ?? {})) assert.ok(r.releases?.appliesTo.includes(rel as FabricRelease), `${r.id} describes ${rel}, which it does not apply to`);
    }
  });

  it('every scenario is tagged with exactly one catalogue rule and its level', () => {
    const scenarios = featureScenarios();
    assert.ok(scenarios.length > 10);
    for (const sc of scenarios) {
      const rules = sc.tags.filter((t) => findRule(t));
      assert.equal(rules.length, 1, `${sc.file}: "${sc.name}" must carry one rule tag, has ${JSON.stringify(sc.tags)}`);
      const rule = findRule(rules[0] as string);
      assert.ok(sc.tags.includes(rule?.level ?? ''), `${sc.file}: "${sc.name}" must be tagged @${rule?.level}`);
    }
  });

  it('every rule id the stages can emit is judged by a stage (a finding never goes unreported)', () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const unreported: string[] = [];
    for (const room of ['package', 'builder', 'connection', 'dial', 'session', 'peer', 'ledger']) {
      for (const file of walk(join(ROOT, 'src', room))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/'((?:PKG|CODE|BLD|CONN|DIAL|PROTO|DRIFT)-\d\d)'/g)) {
          if (!RULE_STAGE[m[1] as string]) unreported.push(`${m[1]} in ${file.slice(ROOT.length + 1)}`);
        }
      }
    }
    assert.deepEqual(unreported, []);
  });

  it('every PKG, CODE, BLD and CONN rule is judged by a stage and has a scenario', () => {
    const tagged = new Set(featureScenarios().flatMap((s) => s.tags));
    for (const r of CATALOGUE.filter((x) => ['PKG', 'CODE', 'BLD', 'CONN'].includes(x.family))) {
      assert.ok(RULE_STAGE[r.id], `${r.id} has no check`);
      assert.ok(tagged.has(r.id), `${r.id} has no scenario`);
    }
  });

  it('every rule a check judges has a scenario, and every scenario\'s rule has a check', () => {
    const tagged = new Set(featureScenarios().flatMap((s) => s.tags));
    for (const id of Object.keys(RULE_STAGE)) assert.ok(findRule(id), `check for unknown rule ${id}`);
    for (const id of tagged) if (findRule(id)) assert.ok(RULE_STAGE[id], `scenario for ${id} but no stage judges it`);
    for (const id of Object.keys(RULE_STAGE)) assert.ok(tagged.has(id), `rule ${id} is judged but has no scenario`);
  });
  it('no rule is ever blocked by itself: a stage that fails on a rule without a finding of it fails that rule, and blocks the rest by name', async () => {
    const cause = { rule: 'DIAL-12', peerError: 'could not launch chaincode cc:1: ...', message: 'the --command server exited (exit status 2) before it listened' };
    class Failing extends PeerSession {
      override server(): Promise<ServerStage> {
        return Promise.resolve({ findings: [], failure: cause, server: null, address: null, redirect: null });
      }
      override dial(): Promise<DialStage> {
        return Promise.resolve({ findings: [], failure: cause, dialed: null, probe: null, target: null });
      }
    }
    const s = new Failing(defaultRunConfig('/nonexistent.tgz', '/nonexistent'));
    const own = await s.judge('DIAL-12');
    assert.equal(own.status, 'failed');
    assert.equal(own.message, cause.message);
    assert.equal(own.peerError, cause.peerError);
    const other = await s.judge('DIAL-03');
    assert.equal(other.status, 'skipped');
    assert.match(other.message, /^not judged: blocked by DIAL-12 \(the --command server exited/);
  });
});
