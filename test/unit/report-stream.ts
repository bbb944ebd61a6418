import type * as messages from '@cucumber/messages';
import type { Finding, Json } from '../../src/findings.js';
import { EVIDENCE_MEDIA_TYPE, FACTS_MEDIA_TYPE, RUN_MEDIA_TYPE, type Evidence, type PackageFacts, type RunInfo } from '../../src/report/model.js';
import { FINDING_MEDIA_TYPE } from '../../src/findings.js';

/**
 * A small writer of Cucumber message streams for the report tests: the envelopes a real run
 * emits (documents, pickles, test cases, steps with timestamps, attachments), so the model and
 * the renderers are tested on the same input shape as in production, without running Cucumber.
 */

export interface StepSpec {
  readonly text: string;
  readonly type?: 'Action' | 'Outcome' | 'Context';
  readonly ms?: number;
  readonly status?: 'PASSED' | 'FAILED' | 'SKIPPED';
  readonly message?: string;
}

export interface ScenarioSpec {
  readonly name: string;
  readonly rule: string;
  readonly level: 'MUST' | 'SHOULD';
  readonly steps?: readonly StepSpec[];
  readonly finding?: Finding | null;
  readonly evidence?: readonly Evidence[];
  readonly facts?: PackageFacts;
  /** Filtered out (a pickle without a test case). */
  readonly notRun?: boolean;
}

export interface FeatureSpec {
  readonly uri: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly description?: string;
  readonly scenarios: readonly ScenarioSpec[];
}

export function finding(rule: string, status: Finding['status'], message: string, extra: Partial<Finding> = {}): Finding {
  return { rule, status, message, peerError: null, ...extra };
}

export function makeStream(features: readonly FeatureSpec[], opts: { run?: RunInfo; runError?: string; t0?: number } = {}): messages.Envelope[] {
  let id = 0;
  const next = (): string => String(++id);
  let clock = opts.t0 ?? 1_700_000_000_000;
  const ts = (ms: number): messages.Timestamp => ({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) });
  const dur = (ms: number): messages.Duration => ({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) });
  const out: Array<Record<string, unknown>> = [];
  const attach = (testCaseStartedId: string, body: string, mediaType: string): void => {
    out.push({ attachment: { testCaseStartedId, body, mediaType, contentEncoding: 'IDENTITY' } });
  };
  out.push({ testRunStarted: { timestamp: ts(clock) } });
  let runAttached = false;
  for (const f of features) {
    out.push({ gherkinDocument: { uri: f.uri, comments: [], feature: { name: f.name, description: f.description ?? '', tags: f.tags.map((t) => ({ name: `@${t}` })), children: [], keyword: 'Feature', language: 'en', location: { line: 1 } } } });
    for (const sc of f.scenarios) {
      const steps = sc.steps ?? [{ text: 'the peer does its stage', type: 'Action' as const, ms: 5 }, { text: `rule "${sc.rule}" holds`, type: 'Outcome' as const, ms: 0.5 }];
      const pickleSteps = steps.map((s) => ({ id: next(), text: s.text, type: s.type ?? 'Outcome', astNodeIds: [] }));
      const pickle = { id: next(), uri: f.uri, name: sc.name, language: 'en', steps: pickleSteps, tags: [...f.tags, sc.rule, sc.level].map((t) => ({ name: `@${t}`, astNodeId: '' })), astNodeIds: [] };
      out.push({ pickle });
      if (sc.notRun) continue;
      const testSteps = pickleSteps.map((ps) => ({ id: next(), pickleStepId: ps.id, stepDefinitionIds: [] }));
      const testCase = { id: next(), pickleId: pickle.id, testSteps };
      out.push({ testCase });
      const startedId = next();
      out.push({ testCaseStarted: { id: startedId, testCaseId: testCase.id, attempt: 0, timestamp: ts(clock) } });
      if (!runAttached && opts.run) {
        attach(startedId, JSON.stringify(opts.run), RUN_MEDIA_TYPE);
        runAttached = true;
      }
      steps.forEach((s, i) => {
        const step = testSteps[i] as { id: string };
        out.push({ testStepStarted: { testCaseStartedId: startedId, testStepId: step.id, timestamp: ts(clock) } });
        if (i === 0) {
          if (sc.facts) attach(startedId, JSON.stringify(sc.facts), FACTS_MEDIA_TYPE);
          for (const e of sc.evidence ?? []) attach(startedId, JSON.stringify(e), EVIDENCE_MEDIA_TYPE);
        }
        const isLast = i === steps.length - 1;
        if (isLast && sc.finding) attach(startedId, JSON.stringify(sc.finding), FINDING_MEDIA_TYPE);
        const ms = s.ms ?? 1;
        clock += ms;
        const status = s.status ?? (isLast && sc.finding && sc.finding.status !== 'passed' ? (sc.finding.status === 'skipped' || sc.finding.status === 'disabled' ? 'SKIPPED' : 'FAILED') : 'PASSED');
        out.push({ testStepFinished: { testCaseStartedId: startedId, testStepId: step.id, timestamp: ts(clock), testStepResult: { status, duration: dur(ms), ...(s.message ? { message: s.message } : status === 'FAILED' && sc.finding ? { message: `${sc.rule} ${sc.finding.status}: ${sc.finding.message}` } : {}) } } });
      });
      out.push({ testCaseFinished: { testCaseStartedId: startedId, timestamp: ts(clock), willBeRetried: false } });
    }
  }
  clock += 1;
  out.push({ testRunFinished: { timestamp: ts(clock), success: !opts.runError, ...(opts.runError ? { exception: { type: 'Error', message: opts.runError } } : {}) } });
  return out as unknown as messages.Envelope[];
}

export function runInfo(over: Partial<RunInfo> = {}): RunInfo {
  return {
    tool: { name: 'ccaas-conformance', version: '0.1.0' },
    argv: ['pkg.tgz', '--command', 'node server.js'],
    rerunBase: ['pkg.tgz', '--command', 'node server.js'],
    level: 'must',
    expectedFailures: null,
    selection: { run: [], skip: [], tags: null },
    offline: false,
    peer: { mspId: 'Org1MSP', channelId: 'mychannel', builders: ['ccaas_builder'], peers: ['mock peer'] },
    ...over,
  };
}

/** A realistic run of two stages: the package (3 rules) and the dial (2 rules), all passing. */
export function passingFeatures(over: { dial?: readonly ScenarioSpec[] } = {}): FeatureSpec[] {
  const facts: PackageFacts = { path: '/tmp/pkg.tgz', label: 'asset_ccaas', type: 'ccaas', packageId: `asset_ccaas:${'ab'.repeat(32)}`, sha256: 'ab'.repeat(32), size: 5143 };
  const build: Evidence = { stage: 'build', title: 'ccaas_builder detect', data: { builder: 'ccaas_builder', program: 'detect', argv: ['detect', '/src', '/meta'], skipped: null, envKeys: ['PATH'], exit: 'exit status 0', durationMs: 12, timedOut: false, stderr: [], stdout: '' } as Json };
  const buildInfo: Evidence = { stage: 'build', title: 'build-info.json', data: { file: 'build-info.json', content: { builder_name: 'ccaas_builder' } } as Json };
  return [
    {
      uri: 'features/conformance/01-install.feature',
      name: 'Install — the peer parses the package',
      tags: ['stage:package'],
      scenarios: [
        { name: 'gzip', rule: 'PKG-01', level: 'MUST', finding: finding('PKG-01', 'passed', 'gzip ok'), facts, steps: [{ text: 'the peer installs the package', type: 'Action', ms: 20 }, { text: 'rule "PKG-01" holds', ms: 0.4 }] },
        { name: 'regular files', rule: 'PKG-02', level: 'MUST', finding: finding('PKG-02', 'passed', 'every entry regular') },
        { name: 'only two entries', rule: 'PKG-03', level: 'SHOULD', finding: finding('PKG-03', 'passed', 'only two entries') },
      ],
    },
    {
      uri: 'features/conformance/02-build.feature',
      name: 'Build — the peer runs the external builders',
      tags: ['stage:build'],
      scenarios: [{ name: 'detects', rule: 'BLD-06', level: 'MUST', finding: finding('BLD-06', 'passed', 'detected'), evidence: [build, buildInfo], steps: [{ text: 'the peer builds the package with its external builders', type: 'Action', ms: 40 }, { text: 'rule "BLD-06" holds', ms: 0.3 }] }],
    },
    {
      uri: 'features/conformance/04-dial.feature',
      name: 'Launch — the peer dials the chaincode server',
      tags: ['stage:dial', 'network'],
      scenarios: over.dial ?? [
        { name: 'ready', rule: 'DIAL-03', level: 'MUST', finding: finding('DIAL-03', 'passed', 'connected in 3 ms') },
        { name: 'tls', rule: 'DIAL-05', level: 'MUST', finding: finding('DIAL-05', 'disabled', 'not applicable: connection.json has tls_required false, so the peer dials in plaintext') },
      ],
    },
  ];
}
