import { PEER } from '../../config/defaults.js';
import { failed, passed, type PeerFailure } from '../../findings.js';
import { chains } from '../../peer/chains.js';
import { PeerHandler, type ExecuteOutcome, type RegisterOutcome } from '../../peer/handler.js';
import { buildProposal } from '../../peer/proposal.js';
import type { RegisterStage, SessionContext, StageResult, TransactionStage } from '../types.js';

/** Launch and invoke: REGISTER on the stream, then one smoke transaction (PROTO-*). */
export const REGISTER_RULES = ['PROTO-03', 'PROTO-04', 'PROTO-05', 'PROTO-17'] as const;
export const TRANSACTION_RULES = ['PROTO-07', 'PROTO-08', 'PROTO-15', 'PROTO-18'] as const;

export async function registerStage(s: SessionContext): Promise<RegisterStage> {
  const d = await s.dial();
  const ccid = await s.packageId();
  const pkg = await s.package();
  if (d.disabled) return { findings: [], failure: null, disabled: d.disabled, outcome: null, handler: null };
  if (d.failure || !d.dialed || !ccid) return { findings: [], failure: d.failure, outcome: null, handler: null };
  const handler = new PeerHandler(d.dialed.stream, {
    packageId: ccid,
    chaincodeName: pkg.inspected.label ?? ccid,
    runtimeParams: PEER.runtimeParams,
    ledger: s.ledger,
  });
  const outcome = await handler.awaitRegister(s.config.registerTimeoutMs);
  return { ...registerFindings(outcome, ccid, s.config.registerTimeoutMs), outcome, handler };
}

export async function transactionStage(s: SessionContext): Promise<TransactionStage> {
  const r = await s.register();
  if (r.disabled) return { findings: [], failure: null, disabled: r.disabled, outcome: null, txId: null };
  const pkg = await s.package();
  if (r.failure || !r.handler) return { findings: [], failure: r.failure, outcome: null, txId: null };
  const creator = s.msp.user('User1');
  const args = [s.config.smoke.fn, ...s.config.smoke.args].map((a) => Buffer.from(a, 'utf8'));
  const chaincodeName = pkg.inspected.label ?? 'chaincode';
  const { txId, signedProposal } = buildProposal({ channelId: s.config.channelId, chaincodeName, args, isInit: false, creator });
  const outcome = await r.handler.execute({ channelId: s.config.channelId, txId, args, isInit: false, signedProposal }, s.config.executeTimeoutMs);
  return { ...transactionFindings(outcome, s.config.smoke.fn, txId, s.config.executeTimeoutMs), outcome, txId };
}

function registerFindings(o: RegisterOutcome, ccid: string, timeoutMs: number): StageResult {
  const never = `the peer would wait chaincode.startuptimeout (${PEER.startupTimeoutMs / 1000} s) and fail the launch`;
  const timeoutChain = chains.launch(ccid, chains.startupTimeout(ccid));
  switch (o.kind) {
    case 'registered':
      return {
        failure: null,
        findings: [
          passed('PROTO-17', `REGISTER arrived ${o.ms} ms after the stream opened`),
          passed('PROTO-03', 'the chaincode sent nothing but REGISTER before registration'),
          passed('PROTO-04', `REGISTER carries the exact package ID ${o.name}`),
          passed('PROTO-05', 'the chaincode accepted REGISTERED and READY'),
        ],
      };
    case 'wrong-name': {
      const f: PeerFailure = {
        rule: 'PROTO-04',
        peerError: o.peerError,
        message: `REGISTER names '${o.name}', not the package ID '${ccid}': the peer refuses it without a reply; ${never} with '${timeoutChain}'`,
        remedy: `Start the chaincode server with CHAINCODE_ID / CORE_CHAINCODE_ID_NAME set to ${ccid}.`,
        evidence: { registered: o.name, expected: ccid },
      };
      return { failure: f, findings: [passed('PROTO-17', `REGISTER arrived after ${o.ms} ms`), failed(f)] };
    }
    case 'empty-name':
    case 'undecodable': {
      const f: PeerFailure = {
        rule: 'PROTO-04',
        peerError: timeoutChain,
        message: `REGISTER ${o.kind === 'empty-name' ? 'has an empty chaincode name' : 'payload is not a ChaincodeID'}: the peer does not reply; ${never}`,
      };
      return { failure: f, findings: [failed(f)] };
    }
    case 'timeout': {
      const f: PeerFailure = { rule: 'PROTO-17', peerError: timeoutChain, message: `no REGISTER within ${timeoutMs} ms of opening the stream; ${never}` };
      return { failure: f, findings: [failed(f)] };
    }
    case 'ended': {
      const f: PeerFailure = { rule: 'PROTO-17', peerError: timeoutChain, message: `the server ended the stream before REGISTER (${o.reason ?? 'EOF'})` };
      return { failure: f, findings: [failed(f)] };
    }
    case 'violation': {
      const f: PeerFailure = { rule: 'PROTO-03', peerError: o.peerError, message: 'the chaincode sent another message before REGISTER; the peer ends the stream' };
      return { failure: f, findings: [failed(f)] };
    }
  }
}

function transactionFindings(o: ExecuteOutcome, fn: string, txId: string, timeoutMs: number): StageResult {
  if (o.kind === 'completed') {
    const status = o.response.status;
    const ok = status === 200;
    const f: PeerFailure = {
      rule: 'PROTO-07',
      peerError: null,
      message: `'${fn}' completed with status ${status}${o.response.message ? ` (${o.response.message})` : ''}; the smoke transaction expects 200`,
      remedy: 'Check that the function exists and succeeds; choose another smoke function with --smoke "fn args..."',
    };
    return {
      failure: ok ? null : f,
      findings: [
        ok ? passed('PROTO-07', `'${fn}' completed with status 200 in ${o.ms} ms`) : failed(f),
        passed('PROTO-08', 'COMPLETED echoed the transaction\'s channel_id and txid'),
        passed('PROTO-15', `completed within chaincode.executetimeout (${o.ms} ms)`),
        ...(ok ? [passed('PROTO-18', 'the chaincode accepted a SignedProposal with an X.509 creator')] : []),
      ],
    };
  }
  const rule = /timeout expired/.test(o.peerError) ? 'PROTO-15' : /failed to unmarshal response/.test(o.peerError) ? 'PROTO-08' : 'PROTO-07';
  const f: PeerFailure = {
    rule,
    peerError: chains.simulation(txId, o.peerError),
    message: rule === 'PROTO-15' ? `no COMPLETED or ERROR within ${timeoutMs} ms` : `the transaction failed: ${o.peerError}`,
  };
  return { failure: f, findings: [failed(f)] };
}
