import type * as messages from '@cucumber/messages';
import { findRule, type Rule } from '../catalogue/index.js';
import { FINDING_MEDIA_TYPE, type Finding, type Json, type Status } from '../findings.js';
import { redact, redactJson } from './redact.js';
import { count, tallies } from './words.js';
import { ANSWER_MEDIA_TYPE, type ChaincodeAnswer } from '../peer/answers.js';

/**
 * The compliance model, derived from the Cucumber message stream only (NDJSON envelopes), so
 * every report (result.json, index.html, junit.xml, console) says the same thing. The stream
 * carries the findings, the package facts, the stages' evidence and the run's own options (the
 * expected-failures baseline, the selection, the gate level); everything else is computed here.
 *
 * Statuses (docs/reports.md):
 * - passed, failed: the rule was judged;
 * - skipped: not judged because an earlier rule failed (reason `blocked`), or not run by Cucumber;
 * - disabled: not judged because configuration says so: the harness's (`--offline`, `--run`,
 *   `--skip`, `--tags`: reasons `configuration`, `selection`) or the package's own (DIAL-05 when
 *   connection.json turns TLS off: reason `not-applicable`, which counts as satisfied);
 * - expected-failure: failed, and listed in `--expected-failures`;
 * - error: the harness itself failed.
 */

export const FACTS_MEDIA_TYPE = 'application/vnd.ccaas-conformance.facts+json';
export const EVIDENCE_MEDIA_TYPE = 'application/vnd.ccaas-conformance.evidence+json';
/** The evidence stage of one of the user's scenarios (its transcript), attached to that scenario. */
export const SCENARIO_EVIDENCE_STAGE = 'scenario';
export const RUN_MEDIA_TYPE = 'application/vnd.ccaas-conformance.run+json';

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

export type GateLevel = 'must' | 'should';

/** The run's own options, attached once to the stream (steps/world.ts). */
export interface RunInfo {
  readonly tool: { readonly name: string; readonly version: string };
  /** The command line after `ccaas-conformance` (redacted). */
  readonly argv: readonly string[];
  /** The same without --run/--skip, to which the re-run line adds the rules that did not pass. */
  readonly rerunBase: readonly string[];
  readonly level: GateLevel;
  readonly expectedFailures: { readonly file: string; readonly entries: ReadonlyArray<{ readonly rule: string; readonly reason: string | null }> } | null;
  readonly selection: { readonly run: readonly string[]; readonly skip: readonly string[]; readonly tags: string | null };
  readonly offline: boolean;
  /** What the mock peer is: MSP, channel, configured builders, peers. */
  readonly peer: { readonly mspId: string; readonly channelId: string; readonly builders: readonly string[]; readonly peers: readonly string[] };
}

export interface StepTiming {
  readonly text: string;
  readonly type: string;
  /** Milliseconds since the run started. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly status: string;
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
  readonly startMs: number;
  readonly durationMs: number;
  readonly steps: readonly StepTiming[];
  readonly findings: readonly Finding[];
  /** The messages on the stream during this scenario (the user's own scenarios), or null. */
  readonly transcript: Evidence | null;
  readonly errorMessage: string | null;
}

/**
 * A scenario of the team's own (`--features`), outside the conformance suite: it judges the
 * chaincode's business behaviour, not a Fabric rule, and gates the run like a MUST rule.
 */
export interface OwnScenario {
  readonly name: string;
  readonly feature: string;
  readonly uri: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The step that did not pass, and Cucumber's message for it. */
  readonly failedStep: string | null;
  readonly message: string | null;
  readonly durationMs: number;
  /** The ChaincodeMessage transcript of this scenario, or null. */
  readonly transcript: Evidence | null;
}

export type Reason = 'blocked' | 'not-run' | 'not-applicable' | 'configuration' | 'selection' | null;
export type Baseline = 'expected-failure' | 'stale' | 'listed-not-judged' | null;

export interface RuleResult {
  readonly id: string;
  readonly rule: Rule | null;
  readonly level: 'MUST' | 'SHOULD';
  readonly status: Status;
  /** Why a rule is skipped or disabled. */
  readonly reason: Reason;
  /** The rule whose failure blocked this one. */
  readonly blockedBy: string | null;
  /** What the expected-failures baseline says about this rule. */
  readonly baseline: Baseline;
  readonly message: string;
  readonly peerError: string | null;
  readonly remedy: string | null;
  readonly evidence: Finding['evidence'] | null;
  readonly scenarios: readonly string[];
  /** The section (stage) the rule is reported in. */
  readonly section: string;
  readonly durationMs: number;
}

export type Verdict = 'conformant' | 'partial' | 'non-conformant' | 'error';

export interface Counts {
  readonly [status: string]: number;
}

/** A bar of a waterfall: offsets in milliseconds from the start of its chart. */
export interface Bar {
  readonly label: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly state: 'ok' | 'failed' | 'skipped' | 'info';
  readonly detail?: string;
}

export interface Section {
  /** `package`, `build`, ... from the feature's @stage tag (or the feature file name). */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly uri: string;
  readonly rules: readonly string[];
  /** The stage steps of this section, on the run's clock. */
  readonly stages: readonly Bar[];
  /** Sub-phases from the evidence (builder programs, dial stages, messages), on the stage's clock. */
  readonly phases: readonly Bar[];
  readonly evidence: readonly Evidence[];
  readonly startMs: number;
  readonly durationMs: number;
}

export interface Gate {
  readonly level: GateLevel;
  readonly exitCode: 0 | 1 | 3;
  /** Sentences naming what fails the run (empty when it passes). */
  readonly reasons: readonly string[];
  /** Listed expected failures that passed: each fails the run. */
  readonly stale: readonly string[];
  /** Listed expected failures not judged in this run (not selected, blocked, disabled). */
  readonly notJudged: readonly string[];
  /** The rules that did not pass (failed, error, blocked), for the re-run line. */
  readonly rerun: readonly string[];
}

export interface ComplianceModel {
  readonly verdict: Verdict;
  /** One sentence for the banner. */
  readonly summary: string;
  readonly facts: PackageFacts | null;
  readonly run: RunInfo | null;
  readonly startedAt: string | null;
  readonly durationMs: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly rules: readonly RuleResult[];
  /** The team's own scenarios (`--features`), in the order they ran. */
  readonly ownScenarios: readonly OwnScenario[];
  /** What the chaincode itself answered that is worth saying: not the peer's verdict, never a rule. */
  readonly chaincodeAnswers: readonly ChaincodeAnswer[];
  readonly sections: readonly Section[];
  /** Every stage step on the run's clock (the overview waterfall). */
  readonly timeline: readonly Bar[];
  readonly evidence: readonly Evidence[];
  readonly counts: { readonly MUST: Counts; readonly SHOULD: Counts };
  readonly gate: Gate;
  /** The harness's own failure outside any rule (a crashed run), or null. */
  readonly runError: string | null;
}

export const STATUSES: readonly Status[] = ['passed', 'failed', 'error', 'skipped', 'disabled', 'expected-failure'];

function tsMs(t: messages.Timestamp | undefined): number {
  return t ? t.seconds * 1000 + t.nanos / 1e6 : 0;
}

function durMs(d: messages.Duration | undefined): number {
  return d ? d.seconds * 1000 + d.nanos / 1e6 : 0;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

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

/** A finding as it came through the stream, redacted again (the stream may come from elsewhere). */
function cleanFinding(f: Finding): Finding {
  return redactJson(f as unknown as Json) as unknown as Finding;
}

const BLOCKED = /^not judged: blocked by ([A-Z]+(?:-[A-Z]+)?-\d+)/;

function reasonOf(f: Finding): { reason: Reason; blockedBy: string | null } {
  if (f.status === 'skipped') {
    const m = BLOCKED.exec(f.message);
    return m ? { reason: 'blocked', blockedBy: m[1] as string } : { reason: 'not-run', blockedBy: null };
  }
  if (f.status === 'disabled') return { reason: /not applicable/i.test(f.message) ? 'not-applicable' : 'configuration', blockedBy: null };
  return { reason: null, blockedBy: null };
}

function selectionMessage(run: RunInfo | null): string {
  if (!run) return 'not selected for this run';
  const s = run.selection;
  const parts = [
    ...(s.run.length > 0 ? [`--run ${s.run.join(',')}`] : []),
    ...(s.skip.length > 0 ? [`--skip ${s.skip.join(',')}`] : []),
    ...(s.tags ? [`--tags '${s.tags}'`] : []),
  ];
  return `disabled: not selected by ${parts.length > 0 ? parts.join(' ') : 'this run'}`;
}

export function buildModel(envelopes: readonly messages.Envelope[]): ComplianceModel {
  const pickles = new Map<string, messages.Pickle>();
  const features = new Map<string, { name: string; description: string; tags: string[] }>();
  const testCases = new Map<string, messages.TestCase>();
  const started = new Map<string, { testCaseId: string; at: number }>();
  const stepStarted = new Map<string, number>();
  const stepResults = new Map<string, Array<{ testStepId: string; result: messages.TestStepResult; at: number }>>();
  const findings = new Map<string, Finding[]>();
  const finishedAt = new Map<string, number>();
  let facts: PackageFacts | null = null;
  let run: RunInfo | null = null;
  const evidence = new Map<string, Evidence>();
  const scenarioEvidence = new Map<string, Evidence>();
  let runStarted: number | null = null;
  let runFinished: number | null = null;
  let runError: string | null = null;
  const chaincodeAnswers: ChaincodeAnswer[] = [];

  for (const e of envelopes) {
    if (e.gherkinDocument?.feature && e.gherkinDocument.uri) {
      const f = e.gherkinDocument.feature;
      features.set(e.gherkinDocument.uri, { name: f.name, description: f.description.trim().replace(/\s*\n\s*/g, ' '), tags: f.tags.map((t) => t.name.replace(/^@/, '')) });
    }
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) testCases.set(e.testCase.id, e.testCase);
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, { testCaseId: e.testCaseStarted.testCaseId, at: tsMs(e.testCaseStarted.timestamp) });
    if (e.testCaseFinished) finishedAt.set(e.testCaseFinished.testCaseStartedId, tsMs(e.testCaseFinished.timestamp));
    if (e.testStepStarted) stepStarted.set(`${e.testStepStarted.testCaseStartedId}/${e.testStepStarted.testStepId}`, tsMs(e.testStepStarted.timestamp));
    if (e.testStepFinished) {
      const list = stepResults.get(e.testStepFinished.testCaseStartedId) ?? [];
      list.push({ testStepId: e.testStepFinished.testStepId, result: e.testStepFinished.testStepResult, at: tsMs(e.testStepFinished.timestamp) });
      stepResults.set(e.testStepFinished.testCaseStartedId, list);
    }
    if (e.attachment) {
      const a = e.attachment;
      if (a.mediaType === FINDING_MEDIA_TYPE && a.testCaseStartedId) {
        const list = findings.get(a.testCaseStartedId) ?? [];
        list.push(cleanFinding(JSON.parse(decodeBody(a)) as Finding));
        findings.set(a.testCaseStartedId, list);
      } else if (a.mediaType === FACTS_MEDIA_TYPE) {
        facts = redactJson(JSON.parse(decodeBody(a)) as Json) as unknown as PackageFacts;
      } else if (a.mediaType === EVIDENCE_MEDIA_TYPE) {
        const ev = redactJson(JSON.parse(decodeBody(a)) as Json) as unknown as Evidence;
        if (ev.stage === SCENARIO_EVIDENCE_STAGE && a.testCaseStartedId) scenarioEvidence.set(a.testCaseStartedId, ev);
        else evidence.set(`${ev.stage}:${ev.title}`, ev);
      } else if (a.mediaType === ANSWER_MEDIA_TYPE) {
        for (const x of redactJson(JSON.parse(decodeBody(a)) as Json) as unknown as ChaincodeAnswer[]) if (!chaincodeAnswers.some((y) => y.request === x.request && y.fn === x.fn)) chaincodeAnswers.push(x);
      } else if (a.mediaType === RUN_MEDIA_TYPE) {
        run = redactJson(JSON.parse(decodeBody(a)) as Json) as unknown as RunInfo;
      }
    }
    if (e.testRunStarted) runStarted = tsMs(e.testRunStarted.timestamp);
    if (e.testRunFinished) {
      runFinished = tsMs(e.testRunFinished.timestamp);
      if (e.testRunFinished.exception) runError = redact(e.testRunFinished.exception.message ?? e.testRunFinished.exception.type);
      else if (e.testRunFinished.message && !e.testRunFinished.success) runError = redact(e.testRunFinished.message);
    }
  }
  const t0 = runStarted ?? Math.min(...[...started.values()].map((s) => s.at), Number.POSITIVE_INFINITY);
  const zero = Number.isFinite(t0) ? t0 : 0;

  // Scenarios that ran, with their steps on the run's clock.
  const scenarios: ScenarioResult[] = [];
  const ranPickles = new Set<string>();
  for (const [startedId, s] of started) {
    const tc = testCases.get(s.testCaseId);
    const pickle = tc ? pickles.get(tc.pickleId) : undefined;
    if (!tc || !pickle) continue;
    ranPickles.add(pickle.id);
    const results = stepResults.get(startedId) ?? [];
    const worst = results.find((r) => r.result.status === 'FAILED') ?? results.find((r) => r.result.status !== 'PASSED') ?? results[0];
    const tags = pickle.tags.map((t) => t.name.replace(/^@/, ''));
    const steps: StepTiming[] = [];
    for (const r of results) {
      const ts = tc.testSteps.find((x) => x.id === r.testStepId);
      const ps = ts?.pickleStepId ? pickle.steps.find((x) => x.id === ts.pickleStepId) : undefined;
      if (!ps) continue;
      const d = durMs(r.result.duration);
      const st = stepStarted.get(`${startedId}/${r.testStepId}`) ?? r.at - d;
      steps.push({ text: ps.text, type: ps.type ?? 'Unknown', startMs: round1(st - zero), durationMs: round1(d), status: r.result.status });
    }
    scenarios.push({
      pickleId: pickle.id,
      name: pickle.name,
      feature: features.get(pickle.uri)?.name ?? pickle.uri,
      uri: pickle.uri,
      tags,
      ruleIds: tags.filter((t) => findRule(t) !== undefined),
      cucumberStatus: worst?.result.status ?? 'UNKNOWN',
      startMs: round1(s.at - zero),
      durationMs: round1((finishedAt.get(startedId) ?? s.at) - s.at),
      steps,
      findings: findings.get(startedId) ?? [],
      transcript: scenarioEvidence.get(startedId) ?? null,
      errorMessage: redactOrNull(results.find((r) => r.result.status === 'FAILED')?.result.message ?? null),
    });
  }

  // Rules: the worst finding over the scenarios that judge them.
  interface Acc { best: Finding; scenarios: string[]; uri: string; durationMs: number; notSelected?: boolean }
  const byRule = new Map<string, Acc>();
  for (const sc of scenarios) {
    for (const id of sc.ruleIds) {
      let f = sc.findings.find((x) => x.rule === id);
      if (!f) {
        // A scenario tagged with the rule ended without a finding: its own status speaks.
        f = { rule: id, status: cucumberToStatus(sc.cucumberStatus), message: sc.errorMessage ?? `scenario ${sc.cucumberStatus.toLowerCase()} without a finding`, peerError: null };
      }
      const prev = byRule.get(id);
      if (!prev) byRule.set(id, { best: f, scenarios: [sc.name], uri: sc.uri, durationMs: sc.durationMs });
      else {
        prev.scenarios.push(sc.name);
        prev.durationMs += sc.durationMs;
        if (SEVERITY[f.status] > SEVERITY[prev.best.status]) prev.best = f;
      }
    }
  }
  // Rules whose scenarios exist but were not run (filtered by --run/--skip/--tags): disabled.
  for (const p of pickles.values()) {
    if (ranPickles.has(p.id)) continue;
    for (const t of p.tags) {
      const id = t.name.replace(/^@/, '');
      if (!findRule(id) || byRule.has(id)) continue;
      byRule.set(id, { best: { rule: id, status: 'disabled', message: selectionMessage(run), peerError: null }, scenarios: [p.name], uri: p.uri, durationMs: 0, notSelected: true });
    }
  }

  const listed = new Map((run?.expectedFailures?.entries ?? []).map((e) => [e.rule, e.reason] as const));
  const file = run?.expectedFailures?.file ?? 'the expected-failures file';
  const sectionOf = (uri: string): string => sectionId(uri, features.get(uri)?.tags ?? []);

  const rules: RuleResult[] = [...byRule.entries()].map(([id, acc]) => {
    const rule = findRule(id) ?? null;
    const best = acc.best;
    const { reason, blockedBy } = acc.notSelected ? { reason: 'selection' as Reason, blockedBy: null } : reasonOf(best);
    let status: Status = best.status;
    // The blocking rule's own row carries its message and fix; a blocked row names it only.
    let message = reason === 'blocked' && blockedBy ? `not judged: blocked by ${blockedBy}` : best.message;
    let baseline: Baseline = null;
    if (listed.has(id)) {
      const why = listed.get(id);
      if (status === 'failed') {
        status = 'expected-failure';
        baseline = 'expected-failure';
        message = `${best.message} (expected failure, listed in ${file}${why ? `: ${why}` : ''})`;
      } else if (status === 'passed') {
        baseline = 'stale';
        message = `${best.message}; stale expected-failure: ${id} is listed in ${file} but now passes, remove it from the list`;
      } else baseline = 'listed-not-judged';
    }
    return {
      id,
      rule,
      level: rule?.level ?? 'MUST',
      status,
      reason,
      blockedBy,
      baseline,
      message,
      peerError: best.peerError,
      remedy: status === 'passed' || status === 'disabled' || reason === 'blocked' ? null : (best.remedy ?? rule?.remedy ?? null),
      evidence: best.evidence ?? null,
      scenarios: acc.scenarios,
      section: sectionOf(acc.uri),
      durationMs: round1(acc.durationMs),
    };
  });
  const order = new Map([...features.keys()].sort().map((u, i) => [sectionOf(u), i] as const));
  rules.sort((a, b) => (order.get(a.section) ?? 99) - (order.get(b.section) ?? 99));

  const counts = { MUST: countBy(rules.filter((r) => r.level === 'MUST')), SHOULD: countBy(rules.filter((r) => r.level === 'SHOULD')) };
  const must = rules.filter((r) => r.level === 'MUST');
  let verdict: Verdict;
  const errors = rules.filter((r) => r.status === 'error');
  if (runError || errors.length > 0 || rules.length === 0) verdict = 'error';
  else if (must.some((r) => r.status === 'failed' || r.status === 'skipped' || r.status === 'expected-failure')) verdict = 'non-conformant';
  else if (must.some((r) => r.status === 'disabled' && r.reason !== 'not-applicable')) verdict = 'partial';
  else verdict = 'conformant';

  const ownScenarios = scenarios.filter(isOwnScenario).map(ownScenario);
  const gate = gateOf(verdict, rules, run?.level ?? 'must', runError, file, [...listed.keys()], ownScenarios, chaincodeAnswers);
  const allEvidence = [...evidence.values()];
  const sections = buildSections(features, scenarios, rules, allEvidence, sectionOf);
  const timeline = stageBars(scenarios);
  const durationMs = runStarted !== null && runFinished !== null ? Math.round(runFinished - runStarted) : Math.round(Math.max(0, ...scenarios.map((s) => s.startMs + s.durationMs)));
  return {
    verdict,
    summary: summaryOf(verdict, rules, runError),
    facts,
    run,
    startedAt: runStarted === null ? null : new Date(runStarted).toISOString(),
    durationMs,
    scenarios,
    rules,
    ownScenarios,
    chaincodeAnswers,
    sections,
    timeline,
    evidence: allEvidence,
    counts,
    gate,
    runError,
  };
}

function listIds(ids: readonly string[]): string {
  return ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more rules`;
}

function redactOrNull(s: string | null): string | null {
  return s === null ? null : redact(s);
}

function sectionId(uri: string, featureTags: readonly string[]): string {
  const stage = featureTags.find((t) => t.startsWith('stage:'));
  if (stage) {
    // Two features may share a stage (connection.json and its doc drift): keep them apart.
    const base = stage.slice('stage:'.length);
    return featureTags.includes('doc-drift') ? `${base}-doc-drift` : base;
  }
  return (uri.split('/').pop() ?? uri).replace(/\.feature$/, '');
}

/** The conformance suite's features live in features/conformance/; every other scenario is the team's own. */
const CONFORMANCE_DIR = 'features/conformance/';

function isOwnScenario(sc: ScenarioResult): boolean {
  return sc.ruleIds.length === 0 && !sc.uri.replace(/\\/g, '/').startsWith(CONFORMANCE_DIR);
}

function ownScenario(sc: ScenarioResult): OwnScenario {
  const step = sc.steps.find((s) => s.status !== 'PASSED');
  const status = sc.cucumberStatus === 'PASSED' ? 'passed' : sc.cucumberStatus === 'SKIPPED' ? 'skipped' : 'failed';
  return {
    name: sc.name,
    feature: sc.feature,
    uri: sc.uri,
    status,
    failedStep: status === 'passed' ? null : (step?.text ?? null),
    // the assertion, not the step definition's stack
    message: status === 'failed' ? (sc.errorMessage ?? `Cucumber says ${sc.cucumberStatus.toLowerCase()}`).split('\n').filter((l) => !/^\s+at /.test(l)).join('\n').trim() : null,
    durationMs: sc.durationMs,
    transcript: sc.transcript,
  };
}

function gateOf(verdict: Verdict, rules: readonly RuleResult[], level: GateLevel, runError: string | null, file: string, listed: readonly string[], own: readonly OwnScenario[], answers: readonly ChaincodeAnswer[]): Gate {
  const stale = rules.filter((r) => r.baseline === 'stale').map((r) => r.id);
  const notJudged = [...rules.filter((r) => r.baseline === 'listed-not-judged').map((r) => r.id), ...listed.filter((id) => !rules.some((r) => r.id === id))];
  const rerun = rules.filter((r) => r.status === 'failed' || r.status === 'error' || (r.status === 'skipped' && r.reason === 'blocked' && !(r.blockedBy && rules.some((x) => x.id === r.blockedBy && x.status === 'expected-failure')))).map((r) => r.id);
  const reasons: string[] = [];
  if (verdict === 'error') {
    if (runError) reasons.push(`the harness failed: ${runError.split('\n')[0] ?? ''}`);
    for (const r of rules.filter((x) => x.status === 'error')) reasons.push(`the harness failed on ${r.id}: ${r.message.split('\n')[0] ?? ''}`);
    if (rules.length === 0 && !runError) reasons.push('no rule was judged');
    return { level, exitCode: 3, reasons, stale, notJudged, rerun };
  }
  const counted = rules.filter((r) => r.level === 'MUST' || level === 'should');
  // Rules blocked by an expected failure are its consequences: they do not fail the run either.
  const expected = new Set(rules.filter((r) => r.status === 'expected-failure').map((r) => r.id));
  for (const r of counted) {
    if (r.status === 'failed') reasons.push(`${r.id} [${r.level}] failed`);
    else if (r.status === 'skipped' && !(r.blockedBy && expected.has(r.blockedBy))) reasons.push(`${r.id} [${r.level}] is blocked${r.blockedBy ? ` by ${r.blockedBy}` : ''} (not judged)`);
  }
  for (const id of stale) reasons.push(`stale expected-failure: ${id} is listed in ${file} but now passes; remove it from the list`);
  // The team's own scenarios gate the run too: a failing one (undefined and pending steps
  // included) fails it; a skipped one (an earlier step of a Background skipped it) does not.
  for (const sc of own.filter((x) => x.status === 'failed')) reasons.push(`your scenario "${sc.name}" failed${sc.failedStep ? ` at "${sc.failedStep}"` : ''}: ${(sc.message ?? '').split('\n')[0] ?? ''}`);
  // A smoke transaction you asked for (--smoke) that the chaincode answers with a failure fails
  // the run as the chaincode's answer; the peer accepted the setup (the verdict says so).
  for (const a of answers.filter((x) => x.failsRun)) reasons.push(`your smoke transaction '${a.fn}' was answered by the chaincode with ${a.answer} (the chaincode's answer: the peer accepts this setup)`);
  return { level, exitCode: reasons.length > 0 ? 1 : 0, reasons, stale, notJudged, rerun };
}

function summaryOf(verdict: Verdict, rules: readonly RuleResult[], runError: string | null): string {
  const must = rules.filter((r) => r.level === 'MUST');
  const t = tallies(must);
  switch (verdict) {
    case 'conformant':
      return `The real Fabric peer would accept this package and chaincode server: ${
        t['not-applicable'] > 0 ? `all ${count(must.length - t['not-applicable'], 'applicable MUST rule')} pass (${t['not-applicable']} not applicable)` : `all ${count(must.length, 'MUST rule')} pass`
      }.`;
    case 'partial':
      return `Every judged MUST rule passes, but ${count(t.disabled, 'MUST rule')} ${t.disabled === 1 ? 'was' : 'were'} disabled (not judged, by configuration): this is not a full conformance result.`;
    case 'non-conformant': {
      const parts = [
        t.failed > 0 ? `${count(t.failed, 'MUST rule')} ${t.failed === 1 ? 'fails' : 'fail'}` : '',
        t['expected-failure'] > 0 ? `${t['expected-failure']} ${t['expected-failure'] === 1 ? 'fails' : 'fail'} as expected` : '',
        t.blocked > 0 ? `${t.blocked} blocked (not judged because an earlier rule failed)` : '',
      ].filter((x) => x !== '');
      return `The real Fabric peer would reject this setup: ${parts.join(', ')}.`;
    }
    case 'error':
      return runError
        ? `The harness itself failed, so this run says nothing about the package: ${runError}`
        : rules.length === 0
          ? 'No rule was judged.'
          : `The harness itself failed on ${listIds(rules.filter((r) => r.status === 'error').map((r) => r.id))}, so this run is not a verdict.`;
  }
}

/** The stage steps (Gherkin `When`) on the run's clock: the run that did the work is the longest. */
function stageBars(scenarios: readonly ScenarioResult[]): Bar[] {
  const byText = new Map<string, StepTiming>();
  // A stage's colour is the worst outcome of the rules judged after it ran.
  const worst = new Map<string, Status>();
  for (const sc of scenarios) {
    for (const st of sc.steps) {
      if (st.type !== 'Action') continue;
      const prev = byText.get(st.text);
      if (!prev || st.durationMs > prev.durationMs) byText.set(st.text, st);
      for (const f of sc.findings) {
        const w = worst.get(st.text);
        if (!w || SEVERITY[f.status] > SEVERITY[w]) worst.set(st.text, f.status);
      }
    }
  }
  const state = (st: StepTiming): Bar['state'] => {
    if (st.status === 'FAILED') return 'failed';
    const w = worst.get(st.text);
    return w === 'failed' || w === 'error' ? 'failed' : w === 'skipped' || w === 'expected-failure' ? 'skipped' : st.status === 'PASSED' ? 'ok' : 'skipped';
  };
  return [...byText.values()].sort((a, b) => a.startMs - b.startMs).map((st) => ({ label: st.text, startMs: st.startMs, durationMs: st.durationMs, state: state(st) }));
}

function buildSections(
  features: ReadonlyMap<string, { name: string; description: string; tags: string[] }>,
  scenarios: readonly ScenarioResult[],
  rules: readonly RuleResult[],
  evidence: readonly Evidence[],
  sectionOf: (uri: string) => string,
): Section[] {
  const out: Section[] = [];
  const taken = new Set<string>();
  for (const uri of [...features.keys()].sort()) {
    const f = features.get(uri) as { name: string; description: string; tags: string[] };
    const id = sectionOf(uri);
    const own = rules.filter((r) => r.section === id);
    if (own.length === 0) continue;
    const bars = stageBars(scenarios.filter((s) => s.uri === uri));
    const start = bars.length > 0 ? Math.min(...bars.map((b) => b.startMs)) : 0;
    const end = bars.length > 0 ? Math.max(...bars.map((b) => b.startMs + b.durationMs)) : 0;
    const stage = id.replace(/-doc-drift$/, '');
    // Evidence goes to the first section of its stage (the server's output goes with the dial).
    const ev = taken.has(stage) ? [] : evidence.filter((e) => e.stage === stage || (stage === 'dial' && e.stage === 'server'));
    taken.add(stage);
    out.push({ id, title: f.name, description: f.description, uri, rules: own.map((r) => r.id), stages: bars, phases: phasesOf(ev), evidence: ev, startMs: start, durationMs: round1(end - start) });
  }
  return out;
}

function isRecord(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

/** Waterfall rows from a stage's evidence: builder programs, dial stages, stream messages. */
export function phasesOf(evidence: readonly Evidence[]): Bar[] {
  const bars: Bar[] = [];
  let t = 0;
  for (const e of evidence) {
    const d = e.data;
    if (e.stage === 'build' && isRecord(d) && typeof d['program'] === 'string') {
      const skipped = text(d['skipped']);
      const ms = num(d['durationMs']);
      const exit = text(d['exit']);
      bars.push({ label: `${text(d['builder'])} bin/${text(d['program'])}`, startMs: t, durationMs: ms, state: skipped ? 'skipped' : exit === 'exit status 0' ? 'ok' : 'failed', detail: skipped || exit });
      t += ms;
    } else if (e.stage === 'dial' && isRecord(d)) {
      const probe = d['probe'];
      if (typeof d['connectMs'] === 'number') bars.push({ label: `gRPC dial (${text(d['tls'])})`, startMs: 0, durationMs: num(d['connectMs']), state: 'ok', detail: text(d['address']) });
      if (isRecord(probe) && Array.isArray(probe['stages'])) {
        let p = 0;
        for (const s of probe['stages']) {
          if (!isRecord(s)) continue;
          bars.push({ label: `probe: ${text(s['name'])}`, startMs: p, durationMs: num(s['ms']), state: s['ok'] === true ? 'ok' : 'failed', detail: text(s['detail']) });
          p += num(s['ms']);
        }
      }
    } else if (e.stage === 'protocol' && Array.isArray(d)) {
      bars.push(...transcriptBars(d.filter(isRecord)));
    }
  }
  return bars;
}

const MAX_TRANSCRIPT_BARS = 24;

/**
 * The stream as a waterfall: registration (REGISTER → READY), then one bar per transaction from
 * the peer's TRANSACTION/INIT to the chaincode's COMPLETED/ERROR (its state requests inside),
 * and the notes (stream ends, violations) as marks.
 */
function transcriptBars(entries: ReadonlyArray<{ [key: string]: Json }>): Bar[] {
  const bars: Bar[] = [];
  const reg = entries.find((m) => text(m['type']) === 'REGISTER');
  const ready = entries.find((m) => text(m['type']) === 'READY') ?? entries.find((m) => text(m['type']) === 'REGISTERED');
  if (reg) bars.push({ label: `REGISTER → ${ready ? text(ready['type']) : 'no reply'}`, startMs: num(reg['at']), durationMs: ready ? Math.max(0, num(ready['at']) - num(reg['at'])) : 0, state: ready ? 'ok' : 'failed' });
  const byTx = new Map<string, Array<{ [key: string]: Json }>>();
  for (const m of entries) {
    const tx = text(m['txid']);
    const type = text(m['type']);
    if (!tx || type === 'REGISTER' || type === 'REGISTERED' || type === 'READY') continue;
    byTx.set(tx, [...(byTx.get(tx) ?? []), m]);
  }
  for (const [tx, msgs] of byTx) {
    const first = msgs[0] as { [key: string]: Json };
    const last = msgs[msgs.length - 1] as { [key: string]: Json };
    const end = text(last['type']);
    const done = end === 'COMPLETED' || end === 'ERROR';
    const requests = msgs.filter((m) => text(m['dir']) === 'cc→peer' && m !== last).length;
    bars.push({
      label: `${text(first['type'])} → ${done ? end : 'no answer'} ${tx.slice(0, 8)}${requests > 0 ? ` (${requests} request${requests === 1 ? '' : 's'})` : ''}`,
      startMs: num(first['at']),
      durationMs: Math.max(0, num(last['at']) - num(first['at'])),
      state: end === 'COMPLETED' ? 'ok' : 'failed',
      detail: tx,
    });
  }
  for (const m of entries) {
    if (text(m['dir']) !== 'note') continue;
    const note = text(m['note']);
    bars.push({ label: note.length > 64 ? `${note.slice(0, 63)}…` : note, startMs: num(m['at']), durationMs: 0, state: 'info', detail: note });
  }
  bars.sort((a, b) => a.startMs - b.startMs);
  if (bars.length <= MAX_TRANSCRIPT_BARS) return bars;
  const rest = bars.slice(MAX_TRANSCRIPT_BARS - 1);
  const from = Math.min(...rest.map((b) => b.startMs));
  const to = Math.max(...rest.map((b) => b.startMs + b.durationMs));
  return [...bars.slice(0, MAX_TRANSCRIPT_BARS - 1), { label: `${rest.length} more`, startMs: from, durationMs: to - from, state: rest.some((b) => b.state === 'failed') ? 'failed' : 'ok' }];
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
