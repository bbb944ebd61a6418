import { harnessNotes } from './notes.js';
import { sourceUrl } from '../catalogue/index.js';
import { rerunLine } from './console.js';
import { tallies, type Tallies } from './words.js';
import type { Baseline, ComplianceModel, Gate, Reason } from './model.js';

/**
 * `result.json`, schema ccaas-conformance/result@1 (the CLI contract, docs/reports.md). Fields
 * are only ever added to this schema; a change of meaning gets a new schema name.
 */
export interface ResultJson {
  readonly schema: 'ccaas-conformance/result@1';
  readonly tool: { readonly name: string; readonly version: string } | null;
  readonly verdict: ComplianceModel['verdict'];
  readonly summary: string;
  readonly package: { readonly path: string; readonly label: string | null; readonly type: string | null; readonly packageId: string | null; readonly sha256: string | null; readonly size: number | null };
  readonly rules: ReadonlyArray<{
    readonly id: string;
    readonly level: 'MUST' | 'SHOULD';
    readonly status: string;
    readonly reason: Reason;
    readonly blockedBy: string | null;
    readonly baseline: Baseline;
    readonly message: string;
    readonly peerError: string | null;
    readonly remedy: string | null;
    readonly title: string | null;
    readonly stage: string;
    readonly source: string | null;
    readonly durationMs: number;
  }>;
  /** The team's own scenarios (`--features`), which gate the run beside the rules. */
  readonly scenarios: ReadonlyArray<{ readonly name: string; readonly uri: string; readonly status: string; readonly failedStep: string | null; readonly message: string | null; readonly durationMs: number }>;
  /** What the chaincode itself answered (not the peer's verdict): a failing smoke transaction, a success to an unknown function. */
  readonly chaincodeAnswers: ComplianceModel['chaincodeAnswers'];
  readonly counts: ComplianceModel['counts'];
  /** The same rules in the words of every report (src/report/words.ts): each level's tallies add up to its rules. */
  readonly tallies: { readonly MUST: Tallies; readonly SHOULD: Tallies };
  readonly gate: Gate & { readonly rerunCommand: string | null };
  /** What the harness did that the peer would not (e.g. dialled a redirect): src/report/notes.ts. */
  readonly notes: readonly string[];
  readonly expectedFailures: { readonly file: string; readonly rules: readonly string[] } | null;
  readonly startedAt: string | null;
  readonly durationMs: number;
}

export function toResultJson(m: ComplianceModel, packagePath: string): ResultJson {
  const f = m.facts;
  return {
    schema: 'ccaas-conformance/result@1',
    tool: m.run?.tool ?? null,
    verdict: m.verdict,
    summary: m.summary,
    package: { path: f?.path ?? packagePath, label: f?.label ?? null, type: f?.type ?? null, packageId: f?.packageId ?? null, sha256: f?.sha256 ?? null, size: f?.size ?? null },
    rules: m.rules.map((r) => ({
      id: r.id,
      level: r.level,
      status: r.status,
      reason: r.reason,
      blockedBy: r.blockedBy,
      baseline: r.baseline,
      message: r.message,
      peerError: r.peerError,
      remedy: r.remedy,
      title: r.rule?.title ?? null,
      stage: r.section,
      source: r.rule?.source[0] ? sourceUrl(r.rule.source[0]) : null,
      durationMs: r.durationMs,
    })),
    scenarios: m.ownScenarios.map((x) => ({ name: x.name, uri: x.uri, status: x.status, failedStep: x.failedStep, message: x.message, durationMs: x.durationMs })),
    chaincodeAnswers: m.chaincodeAnswers,
    counts: m.counts,
    tallies: { MUST: tallies(m.rules.filter((r) => r.level === 'MUST')), SHOULD: tallies(m.rules.filter((r) => r.level === 'SHOULD')) },
    notes: harnessNotes(m),
    gate: { ...m.gate, rerunCommand: rerunLine(m) },
    expectedFailures: m.run?.expectedFailures ? { file: m.run.expectedFailures.file, rules: m.run.expectedFailures.entries.map((e) => e.rule) } : null,
    startedAt: m.startedAt,
    durationMs: m.durationMs,
  };
}
