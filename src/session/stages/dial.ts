import { dial, type DialTarget } from '../../dial/connect.js';
import { probe, type ProbeReport } from '../../dial/probe.js';
import { failed, passed, type PeerFailure } from '../../findings.js';
import { chains } from '../../peer/chains.js';
import type { DialStage, SessionContext } from '../types.js';

/** Launch, continued: the peer's dial, explained by the staged probe when it fails (DIAL-*). */
export const DIAL_RULES = ['DIAL-03', 'DIAL-04', 'DIAL-05', 'DIAL-06'] as const;

export async function dialStage(s: SessionContext): Promise<DialStage> {
  const srv = await s.server();
  if (srv.disabled) return { findings: [], failure: null, disabled: srv.disabled, dialed: null, probe: null, target: null };
  const c = await s.connection();
  const ccid = await s.packageId();
  if (srv.failure || !c.info || !srv.address || !ccid) return { findings: [], failure: srv.failure ?? c.failure, dialed: null, probe: null, target: null };
  const target: DialTarget = { address: srv.address, dialTimeoutMs: c.info.dialTimeoutMs, tls: c.info.tls };
  const r = await dial(target);
  if (r.ok) {
    s.adoptDialed(r.dialed);
    const tlsNote = target.tls ? (target.tls.client ? 'mutual TLS' : 'TLS') : 'plaintext';
    return {
      findings: [
        passed('DIAL-03', `connected to ${target.address} (${tlsNote}) in ${r.dialed.connectMs} ms, within dial_timeout ${target.dialTimeoutMs} ms`),
        passed('DIAL-04', `address ${target.address} is a usable gRPC target`),
        target.tls
          ? passed('DIAL-05', `the ${tlsNote} handshake succeeds with the peer's client configuration`)
          : { rule: 'DIAL-05', status: 'disabled', message: 'not applicable: connection.json has tls_required false, so the peer dials in plaintext', peerError: null },
        passed('DIAL-06', 'opened /protos.Chaincode/Connect'),
      ],
      failure: null,
      dialed: r.dialed,
      probe: null,
      target,
    };
  }
  const report = await probe(target, Math.max(200, Math.min(target.dialTimeoutMs, 3_000)));
  const rule = dialRule(report);
  const grpcGoError = report.classification === 'refused' ? `connection error: desc = "transport: error while dialing: dial tcp ${target.address}: connect: connection refused"` : 'context deadline exceeded';
  const f: PeerFailure = {
    rule,
    peerError: chains.launch(ccid, chains.connection(ccid, target.address, chains.dial(grpcGoError))),
    message: `the peer cannot connect: ${report.explanation}`,
    remedy: report.remedy,
    evidence: { classification: report.classification, stages: report.stages.map((st) => ({ name: st.name, ok: st.ok, ms: st.ms, detail: st.detail })), grpcJs: r.grpcError },
  };
  return { findings: [failed(f)], failure: f, dialed: null, probe: report, target };
}

function dialRule(report: ProbeReport): string {
  switch (report.classification) {
    case 'bad-address':
    case 'unresolvable':
      return 'DIAL-04';
    case 'refused':
    case 'timeout':
    case 'reset':
    case 'not-http2':
      return 'DIAL-03';
    default:
      return 'DIAL-05';
  }
}
