/**
 * What a peer would make of a connection.json before it is packaged: the built-in ccaas builder's
 * rewrite (for type `ccaas`), then the peer's own read at launch. Pure: bytes in, notes out, each
 * with the rule it breaks and the peer's words, so `ccaas-conformance package` can say before the
 * package exists that every launch of it will fail.
 */
import { peerConnectionJsonPath } from '../peer/chains.js';
import { releasedWithoutDialTimeout, rewriteConnection } from './ccaasRewrite.js';
import { readConnection } from './read.js';

export interface PreflightNote {
  readonly rule: string;
  readonly level: 'error' | 'warning' | 'note';
  readonly text: string;
}

export function connectionPreflight(connectionJson: Uint8Array, type: string, builderConfig: string | undefined, ccid: string): PreflightNote[] {
  const notes: PreflightNote[] = [];
  let released: Uint8Array = connectionJson;
  const ccaas = type.toLowerCase() === 'ccaas';
  if (ccaas) {
    const r = rewriteConnection(connectionJson, builderConfig);
    if (!r.ok) {
      const templated = r.stderrError.startsWith('Failed to parse the ') && /map has no entry for key|nil data/.test(r.stderrError);
      if (r.unsupported) {
        notes.push({ rule: 'CONN-10', level: 'note', text: `this harness cannot reproduce the built-in ccaas builder on this template exactly (${r.stderrError}): run the package through Fabric's own builder to be sure` });
      } else if (templated && (builderConfig === undefined || builderConfig === '')) {
        notes.push({ rule: 'CONN-10', level: 'note', text: `connection.json is a template (${r.stderrError}): every peer's CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG must supply those keys, and the builder must propagate it (set it here to check the result)` });
      } else {
        notes.push({ rule: 'CONN-10', level: 'error', text: `the built-in ccaas builder's bin/build fails on it, so install fails: ::Error: ${r.stderrError}` });
      }
      return notes;
    }
    released = r.output;
    if (releasedWithoutDialTimeout(released)) {
      notes.push({ rule: 'CONN-10', level: 'error', text: 'no dial_timeout (or an empty one): the built-in ccaas builder writes "dial_timeout":"" and every launch then fails (`time: invalid duration ""`); set e.g. "dial_timeout": "10s"' });
      return notes;
    }
  }
  const read = readConnection(released, peerConnectionJsonPath(ccid));
  const when = ccaas ? 'every launch fails' : 'if your builder releases it unchanged, every launch fails';
  if (read.failure) notes.push({ rule: read.failure.rule, level: 'error', text: `${when}: ${read.failure.peerError ?? read.failure.message}` });
  for (const f of read.findings) if (f.status === 'failed') notes.push({ rule: f.rule, level: 'warning', text: f.message });
  return notes;
}
