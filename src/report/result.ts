import type { ComplianceModel } from './model.js';

/** `result.json`, schema ccaas-conformance/result@1 (the CLI contract). */
export interface ResultJson {
  readonly schema: 'ccaas-conformance/result@1';
  readonly verdict: ComplianceModel['verdict'];
  readonly package: { readonly path: string; readonly label: string | null; readonly type: string | null; readonly packageId: string | null };
  readonly rules: ReadonlyArray<{
    readonly id: string;
    readonly level: 'MUST' | 'SHOULD';
    readonly status: string;
    readonly message: string;
    readonly peerError: string | null;
    readonly remedy: string | null;
    readonly title: string | null;
  }>;
  readonly counts: ComplianceModel['counts'];
  readonly durationMs: number;
}

export function toResultJson(m: ComplianceModel, packagePath: string): ResultJson {
  return {
    schema: 'ccaas-conformance/result@1',
    verdict: m.verdict,
    package: { path: m.facts?.path ?? packagePath, label: m.facts?.label ?? null, type: m.facts?.type ?? null, packageId: m.facts?.packageId ?? null },
    rules: m.rules.map((r) => ({ id: r.id, level: r.level, status: r.status, message: r.message, peerError: r.peerError, remedy: r.remedy, title: r.rule?.title ?? null })),
    counts: m.counts,
    durationMs: m.durationMs,
  };
}
