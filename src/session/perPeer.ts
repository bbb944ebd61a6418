import type { Finding, Json } from '../findings.js';

/**
 * One package installed on several peers (`--peer NAME --builder-config JSON`): every peer runs
 * the same build with its own CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, so each rule the build,
 * release and connection.json decide is judged once per peer. This folds those judgements into
 * one finding per rule, with a row per peer in its evidence: the worst status wins, and its
 * message names the peer(s) it comes from. Pure.
 */

export interface PeerFindings {
  readonly peer: string;
  readonly findings: readonly Finding[];
}

const SEVERITY: Readonly<Record<Finding['status'], number>> = { error: 5, failed: 4, skipped: 3, 'expected-failure': 2, disabled: 1, passed: 0 };

/** Rules that say the same on every peer (configuration, lint): not folded. */
export type SamePerPeer = (rule: string) => boolean;

export function foldPerPeer(perPeer: readonly PeerFindings[], samePerPeer: SamePerPeer = () => false): Finding[] {
  const first = perPeer[0];
  if (!first) return [];
  if (perPeer.length === 1) return [...first.findings];
  const out: Finding[] = [];
  for (const own of first.findings) {
    if (samePerPeer(own.rule)) {
      out.push(own);
      continue;
    }
    const rows = perPeer.map((p) => ({ peer: p.peer, finding: p.findings.find((f) => f.rule === own.rule) ?? null }));
    const judged = rows.filter((r): r is { peer: string; finding: Finding } => r.finding !== null);
    const worst = judged.reduce((a, b) => (SEVERITY[b.finding.status] > SEVERITY[a.finding.status] ? b : a));
    const same = judged.filter((r) => r.finding.status === worst.finding.status);
    const evidenceRows: Json = rows.map((r) => ({ peer: r.peer, status: r.finding?.status ?? 'not judged', message: r.finding?.message ?? '' }));
    const everyPeer = same.length === rows.length;
    const message = everyPeer && new Set(same.map((r) => r.finding.message)).size === 1
      ? `${worst.finding.message} (on every peer: ${rows.map((r) => `'${r.peer}'`).join(', ')})`
      : same.map((r) => `on peer '${r.peer}': ${r.finding.message.replace(/[.;]\s*$/, '')}`).join('; ');
    out.push({ ...worst.finding, message, evidence: { ...(worst.finding.evidence ?? {}), perPeer: evidenceRows } });
  }
  return out;
}
