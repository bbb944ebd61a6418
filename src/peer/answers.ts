import type { ProposalResult } from './endorser.js';

/**
 * What the chaincode itself answered, as opposed to what the peer does. The peer endorses any
 * COMPLETED whose Response status is below 400 and returns 400..599 (or an ERROR message) to
 * the client without endorsing (core/endorser/endorser.go): either way the peer has accepted the
 * setup, installed, launched and talked to the chaincode. A 500 to the smoke transaction, or a
 * 200 to a function that does not exist, is the chaincode's business: reported here, in its own
 * category, never as a rule the peer breaks. Pure.
 */

export const ANSWER_MEDIA_TYPE = 'application/vnd.ccaas-conformance.answer+json';

/** The function the harness calls to see how the chaincode answers a name it does not have. */
export const UNKNOWN_FUNCTION = 'ccaas_conformance_no_such_function';

/** The ERROR message of a chaincode, as the peer words it to the client. */
const CHAINCODE_ERROR = /transaction returned with failure: /;

export interface ChaincodeAnswer {
  /** The transaction the harness sent: the smoke transaction, or an unknown function. */
  readonly request: 'smoke' | 'unknown-function';
  readonly fn: string;
  /** The chaincode's answer: `status 500 (message)` or `ERROR: <the peer's text>`. */
  readonly answer: string;
  readonly status: number | null;
  /** Whether the peer endorses this answer (status < 400). */
  readonly endorsed: boolean;
  /** What the peer does with it, in one sentence that says the peer accepts the setup. */
  readonly peer: string;
  /** Whether it fails the run (exit 1): only a smoke transaction you asked for with --smoke that does not succeed. */
  readonly failsRun: boolean;
}

/** Whether a failed invocation is the chaincode's own ERROR message (the peer relays it), not a protocol failure. */
export function isChaincodeError(peerError: string): boolean {
  return CHAINCODE_ERROR.test(peerError);
}

function describe(r: ProposalResult): string {
  if (r.peerError !== null) return `ERROR: ${r.peerError}`;
  return `status ${r.response.status}${r.response.message ? ` (${r.response.message})` : ''}`;
}

/**
 * The smoke transaction's answer when it is not a success (status >= 400 or an ERROR message);
 * null for a success or for a failure that is the peer's (a timeout, a broken stream: PROTO-*).
 * A smoke transaction the user asked for (`--smoke`) that fails fails the run; the default one
 * (org.hyperledger.fabric:GetMetadata, which only contract-API chaincode has) does not.
 */
export function smokeAnswer(fn: string, r: ProposalResult, requested: boolean): ChaincodeAnswer | null {
  const error = r.peerError !== null;
  if (error && !isChaincodeError(r.peerError ?? '')) return null;
  if (!error && r.response.status < 400) return null;
  const relay = error ? 'relays this ERROR to the client as the transaction\'s failure' : `returns this response to the client without endorsing it (status ${r.response.status} >= 400)`;
  return {
    request: 'smoke',
    fn,
    answer: describe(r),
    status: error ? null : r.response.status,
    endorsed: false,
    peer: `The peer accepts this setup: it installed, launched and reached the chaincode, which answered '${fn}' itself; the peer ${relay}. This is the chaincode's answer, not a rejection by the peer.${requested ? ' It fails this run because you asked for this transaction with --smoke.' : ` It does not fail the run: '${fn}' is the default smoke transaction, which only contract-API chaincode answers; name one of yours with --smoke "fn args..." to make its answer count.`}`,
    failsRun: requested,
  };
}

/**
 * An unknown function answered with a success status: the peer endorses it, so a client that
 * misspells a function gets a successful transaction with no effect. null for any other answer.
 */
export function unknownFunctionAnswer(r: ProposalResult): ChaincodeAnswer | null {
  if (r.peerError !== null || r.response.status >= 400) return null;
  return {
    request: 'unknown-function',
    fn: UNKNOWN_FUNCTION,
    answer: describe(r),
    status: r.response.status,
    endorsed: true,
    peer: `The peer accepts this setup and endorses the answer as a successful transaction (status ${r.response.status} < 400): a client that calls a function the chaincode does not have gets a success with no effect. This is the chaincode's own behaviour, not the peer's verdict; the official contract APIs answer an unknown function with an error status.`,
    failsRun: false,
  };
}
