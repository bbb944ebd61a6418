import type * as messages from '@cucumber/messages';
import { findRule, type Rule } from '../catalogue/index.js';
import { FINDING_MEDIA_TYPE, type Finding, type Json, type Status } from '../findings.js';

/**
 * The compliance model, derived from the Cucumber message stream only (NDJSON envelopes), so
 * every report (result.json, index.html, junit.xml, console) says the same thing.
 */

export const FACTS_MEDIA_TYPE = 'application/vnd.ccaas-conformance.facts+json';
export const EVIDENCE_MEDIA_TYPE = 'application/vnd.ccaas-conformance.evidence+json';

export interface PackageFacts {
  readonly path: string;
  readonly label: string | null;
  readonly type: string | null;
  readonly packageId: string | null;
  readonly sha256: string | null;
  readonly size: number | null;
}

export interface Evidence {
  readonly stage: string;
  readonly title: string;
  readonly data: Json;
}

export interface ScenarioResult {
  readonly pickleId: string;
  readonly name: string;
  readonly feature: string;
  readonly uri: string;
  readonly tags: readonly string[];
  readonly ruleIds: readonly string[];
  /** Cucumber's own status of the scenario (PASSED, FAILED, SKIPPED, ...). */
  readonly cucumberStatus: string;
  readonly durationMs: number;
  readonly findings: readonly Finding[];
  readonly errorMessage: string | null;
}

export interface RuleResult {
  readonly id: string;
  readonly rule: Rule | null;
  readonly level: 'MUST' | 'SHOULD';
  readonly status: Status;
  readonly message: string;
  readonly peerError: string | null;
  readonly remedy: string | null;
  readonly evidence: Finding['evidence'] | null;
  readonly scenarios: readonly string[];
}

export type Verdict = 'conformant' | 'non-conformant' | 'error';

export interface Counts {
  readonly [status: string]: number;
}

export interface ComplianceModel {
  readonly verdict: Verdict;
  readonly facts: PackageFacts | null;
  readonly startedAt: string | null;
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly rules: readonly RuleResult[];
  readonly evidence: readonly Evidence[];
  readonly counts: { readonly MUST: Counts; readonly SHOULD: Counts };
}

function tsMs(t: messages.Timestamp | undefined): number {
  return t ? t.seconds * 1000 + t.nanos / 1e6 : 0;
}

/** Worse statuses win when several scenarios judge one rule. */
const SEVERITY: Readonly<Record<Status, number>> = { error: 5, failed: 4, skipped: 3, 'expected-failure': 2, disabled: 1, passed: 0 };

export function parseEnvelopes(ndjson: string): messages.Envelope[] {
  return ndjson
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as messages.Envelope);
}

function decodeBody(a: messages.Attachment): string {
  return a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
}

export function buildModel(envelopes: readonly messages.Envelope[]): ComplianceModel {
  const pickles = new Map<string, messages.Pickle>();
  const featureNames = new Map<string, string>();
  const testCases = new Map<string, messages.TestCase>();
  const started = new Map<string, { testCaseId: string; at: number }>();
  const stepResults = new Map<string, messages.TestStepResult[]>();
  const findings = new Map<string, Finding[]>();
  const finishedAt = new Map<string, number>();
  let facts: PackageFacts | null = null;
  const evidence = new Map<string, Evidence>();
  let runStarted: number | null = null;
  let runFinished: number | null = null;
  let runError: string | null = null;

  for (const e of envelopes) {
    if (e.gherkinDocument?.feature && e.gherkinDocument.uri) featureNames.set(e.gherkinDocument.uri, e.gherkinDocument.feature.name);
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase);
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, { testCaseId: e.testCaseStarted.testCaseId, at: tsMs(e.testCaseStarted.timestamp) });
    if (e.testCaseFinished) finishedAt.set(e.testCaseFinished.testCaseStartedId, tsMs(e.testCaseFinished.timestamp));
    if (e.testStepFinished) {
      const list = stepResults.get(e.testStepFinished.testCaseStartedId) ?? [];
      list.push(e.testStepFinished.testStepResult);
      stepResults.set(e.testStepFinished.testCaseStartedId, list);
    }
    if (e.attachment) {
      const a = e.attachment;
      if (a.mediaType === FINDING_MEDIA_TYPE && a.testCaseStartedId) {
        const list = findings.get(a.testCaseStartedId) ?? [];
        list.push(JSON.parse(decodeBody(a)) as Finding);
        findings.set(a.testCaseStartedId, list);
      } else if (a.mediaType === FACTS_MEDIA_TYPE) {
        facts = JSON.parse(decodeBody(a)) as PackageFacts;
      } else if (a.mediaType === EVIDENCE_MEDIA_TYPE) {
        const ev = JSON.parse(decodeBody(a)) as Evidence;
        evidence.set(`${ev.stage}:${ev.title}`, ev);
      }
    }
    if (e.testRunStarted) runStarted = tsMs(e.testRunStarted.timestamp);
    if (e.testRunFinished) {
      runFinished = tsMs(e.testRunFinished.timestamp);
      if (e.testRunFinished.exception) runError = e.testRunFinished.exception.message ?? e.testRunFinished.exception.type;
    }
  }

  const scenarios: ScenarioResult[] = [];
  for (const [startedId, s] of started) {
    const tc = testCases.get(s.testCaseId);
    const pickle = tc ? pickles.get(tc.pickleId) : undefined;
    if (!pickle) continue;
    const results = stepResults.get(startedId) ?? [];
    const worst = results.find((r) => r.status === 'FAILED') ?? results.find((r) => r.status !== 'PASSED') ?? results[0];
    const tags = pickle.tags.map((t) => t.name.replace(/^@/, ''));
    scenarios.push({
      pickleId: pickle.id,
      name: pickle.name,
      feature: featureNames.get(pickle.uri) ?? pickle.uri,
      uri: pickle.uri,
      tags,
      ruleIds: tags.filter((t) => findRule(t) !== undefined),
      cucumberStatus: worst?.status ?? 'UNKNOWN',
      durationMs: Math.round(((finishedAt.get(startedId) ?? s.at) - s.at) * 10) / 10,
      findings: findings.get(startedId) ?? [],
      errorMessage: results.find((r) => r.status === 'FAILED')?.message ?? null,
    });
  }

  const byRule = new Map<string, { best: Finding; scenarios: string[] }>();
  for (const sc of scenarios) {
    const own = sc.findings;
    for (const id of sc.ruleIds) {
      let f = own.find((x) => x.rule === id);
      if (!f) {
        // A scenario tagged with the rule ended without a finding: its own status speaks.
        f = { rule: id, status: cucumberToStatus(sc.cucumberStatus), message: sc.errorMessage ?? `scenario ${sc.cucumberStatus.toLowerCase()} without a finding`, peerError: null };
      }
      const prev = byRule.get(id);
      if (!prev) byRule.set(id, { best: f, scenarios: [sc.name] });
      else {
        prev.scenarios.push(sc.name);
        if (SEVERITY[f.status] > SEVERITY[prev.best.status]) prev.best = f;
      }
    }
  }

  const rules: RuleResult[] = [...byRule.entries()].map(([id, { best, scenarios: names }]) => {
    const rule = findRule(id) ?? null;
    return {
      id,
      rule,
      level: rule?.level ?? 'MUST',
      status: best.status,
      message: best.message,
      peerError: best.peerError,
      remedy: best.status === 'passed' ? null : (best.remedy ?? rule?.remedy ?? null),
      evidence: best.evidence ?? null,
      scenarios: names,
    };
  });

  const counts = { MUST: countBy(rules.filter((r) => r.level === 'MUST')), SHOULD: countBy(rules.filter((r) => r.level === 'SHOULD')) };
  const must = rules.filter((r) => r.level === 'MUST');
  let verdict: Verdict;
  if (runError || rules.some((r) => r.status === 'error') || rules.length === 0) verdict = 'error';
  else if (must.some((r) => r.status === 'failed' || r.status === 'skipped')) verdict = 'non-conformant';
  else verdict = 'conformant';

  return {
    verdict,
    facts,
    startedAt: runStarted === null ? null : new Date(runStarted).toISOString(),
    durationMs: runStarted !== null && runFinished !== null ? Math.round(runFinished - runStarted) : 0,
    scenarios,
    rules,
    evidence: [...evidence.values()],
    counts,
  };
}

function cucumberToStatus(s: string): Status {
  switch (s) {
    case 'PASSED':
      return 'passed';
    case 'SKIPPED':
      return 'skipped';
    case 'FAILED':
      return 'failed';
    default:
      return 'error';
  }
}

function countBy(rules: readonly RuleResult[]): Counts {
  const c: Record<string, number> = { passed: 0, failed: 0, skipped: 0, disabled: 0, error: 0, 'expected-failure': 0 };
  for (const r of rules) c[r.status] = (c[r.status] ?? 0) + 1;
  return c;
}
