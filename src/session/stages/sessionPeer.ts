import { PEER } from '../../config/defaults.js';
import { MockPeer } from '../../peer/mockPeer.js';
import { MISROUTED_GRACE_MS } from '../../peer/handler.js';
import type { ProposalResult } from '../../peer/endorser.js';
import type { PeerSettings, RunConfig } from '../config.js';
import type { SessionContext } from '../types.js';

/**
 * The mock peers of a session: the session's own (its ledger, MSP, definitions and registry, shared
 * by the protocol stages, the user's steps and the invoke/query/bench commands), and fresh peers
 * for the checks that need another peer on the same server.
 */

const peers = new WeakMap<SessionContext, MockPeer>();

/** The session's mock peer (ledger, MSP, definitions, registry), created on first use. */
export function sessionPeer(s: SessionContext): MockPeer {
  let p = peers.get(s);
  if (!p) {
    p = newPeer(s.config, s);
    peers.set(s, p);
  }
  return p;
}

export function settings(c: RunConfig): PeerSettings {
  return c.peer ?? {};
}

export function newPeer(c: RunConfig, s?: SessionContext, executeTimeoutMs = c.executeTimeoutMs): MockPeer {
  const ps = settings(c);
  return new MockPeer(
    {
      channels: [c.channelId],
      runtimeParams: ps.runtimeParams ?? PEER.runtimeParams,
      executeTimeoutMs,
      ...(ps.keepaliveSeconds ? { keepaliveSeconds: ps.keepaliveSeconds } : {}),
      ...(ps.stateDb ? { stateDb: ps.stateDb } : {}),
      ...(ps.fabricRelease ? { fabricRelease: ps.fabricRelease } : {}),
      // A conformance run diagnoses a dropped completion in seconds instead of waiting out executetimeout.
      misroutedGraceMs: MISROUTED_GRACE_MS,
    },
    s?.ledger,
    s?.msp,
  );
}

/** The chaincode definition the session's package is committed under: name = the label. */
export function define(peer: MockPeer, c: RunConfig, name: string, packageId: string): void {
  const ps = settings(c);
  peer.define({
    name,
    packageId,
    version: '1.0',
    initRequired: ps.initRequired ?? false,
    collections: (ps.collections ?? []).map((col) => ({ name: col.name, memberOrgs: [...col.memberOrgs], memberOnlyRead: col.memberOnlyRead ?? true, memberOnlyWrite: col.memberOnlyWrite ?? true })),
  });
}

/** A proposal's outcome in a finding: the peer's error, or the status and message. */
export function describeResult(r: ProposalResult): string {
  return r.peerError ?? `status ${r.response.status}${r.response.message ? ` (${r.response.message})` : ''}`;
}

/**
 * Which rule a failed invocation breaks, from the peer's error text: no answer within
 * executetimeout (PROTO-15), a COMPLETED whose Response does not decode (PROTO-08), the stream
 * ending under it or just before it (Launch found no handler), or no server left to send it to
 * (PROTO-16); anything else, an ERROR from the chaincode included, is the transaction's own
 * outcome (PROTO-07).
 */
export function ruleOfPeerError(peerError: string): 'PROTO-07' | 'PROTO-08' | 'PROTO-15' | 'PROTO-16' {
  if (/timeout expired while executing transaction/.test(peerError)) return 'PROTO-15';
  if (/failed to unmarshal response/.test(peerError)) return 'PROTO-08';
  if (/chaincode stream terminated|has no chaincode server registered|but could not find handler/.test(peerError)) return 'PROTO-16';
  return 'PROTO-07';
}

/** The run's smoke transaction (--smoke, default Ping) as a query on `peer`. */
export async function smoke(peer: MockPeer, s: SessionContext, name: string): Promise<ProposalResult> {
  const args = [s.config.smoke.fn, ...s.config.smoke.args].map((a) => Buffer.from(a, 'utf8'));
  return peer.propose({ channelId: s.config.channelId, chaincodeName: name, args, creator: s.msp.user('User1'), commit: false });
}
