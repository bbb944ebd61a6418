import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { NIL_DEREFERENCE_PANIC, readConnection } from '../../src/connection/index.js';
import { connectionDoc } from './ccaas-arbitraries.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import { describeOracles, type Oracle, oracleRunName, oracleRuns, propertySeed, type OracleVerdict } from './json-oracle-client.js';

/**
 * connection.json as the peer reads it (CONN-02..07): ours against Go's encoding/json + time in
 * test/oracle (our replica), and against Fabric's own externalbuilder.Instance.ChaincodeServerInfo
 * in test/oracle-fabric, for each pinned release. Fabric 2.5's ChaincodeServerUserData has no
 * `domain` field (3.x added it, and its ServerNameOverride): 2.5 ignores the key, which the harness
 * does not model per release yet, so the 2.5 run draws only documents without "domain" in any
 * spelling the decoder would match (no "domain" in any case, no \u escape in the document).
 */

const DEFAULT_RUNS = 5000;
const PATH = '/var/hyperledger/production/externalbuilder/builds/cc/release/chaincode/server/connection.json';

function ours(doc: Buffer): string {
  const r = readConnection(doc, PATH);
  if (r.failure) return r.failure.peerError === NIL_DEREFERENCE_PANIC ? 'panic' : `error: ${r.failure.peerError}`;
  const u = r.userData!;
  const i = r.info!;
  return 'ok: ' + JSON.stringify({
    address: i.address, dial: i.dialTimeoutNanos.toString(), tls: i.tls !== null, rootCert: i.tls?.rootCert, clientAuth: i.tls ? i.tls.client !== null : undefined,
    clientCert: i.tls?.client?.cert, clientKey: i.tls?.client?.key, sno: i.tls?.client?.serverNameOverride,
    user: [u.address, u.domain, u.dialTimeoutNanos.toString(), u.tlsRequired, u.clientAuthRequired, u.clientKey, u.clientCert, u.rootCert],
  });
}

function theirs(v: OracleVerdict): string {
  if (v.panic !== undefined) return 'panic';
  if (!v.ok) return `error: ${v.error}`;
  const r = v.result!;
  const u = r['userData'] as Record<string, unknown>;
  return 'ok: ' + JSON.stringify({
    address: r['address'], dial: r['dialTimeoutNanos'], tls: r['tls'], rootCert: r['rootCert'], clientAuth: r['clientAuth'],
    clientCert: r['clientCert'], clientKey: r['clientKey'], sno: r['serverNameOverride'],
    user: [u['address'], u['domain'] ?? '', u['dialTimeoutNanos'], u['tlsRequired'], u['clientAuthRequired'], u['clientKey'], u['clientCert'], u['rootCert']],
  });
}

/** The property, against one oracle; `name` names the seed and the printed counts. */
async function agreeOnConnections(oracle: Oracle, name: string, runs: number, against: string, release: FabricRelease | null): Promise<void> {
  const seed = propertySeed(name);
  const tally = { accepted: 0, rejected: 0, panics: 0 };
  const docs = release === '2.5' ? connectionDoc.filter((d) => !/domain|\\u/i.test(d.toString('latin1'))) : connectionDoc;
  await fc.assert(fc.asyncProperty(docs, async (doc) => {
    const want = theirs(await oracle.ask({ mode: 'connection', input: doc, args: { path: PATH } }));
    assert.equal(ours(doc), want, `document ${JSON.stringify(doc.toString('latin1'))}`);
    tally[want === 'panic' ? 'panics' : want.startsWith('ok') ? 'accepted' : 'rejected']++;
  }), { seed, numRuns: runs });
  process.stdout.write(`# ${name}: ${runs} agreed with ${against} (${tally.accepted} accepted, ${tally.rejected} rejected, ${tally.panics} peer crashes)\n`);
  assert.ok(tally.accepted > runs / 10 && tally.rejected > runs / 10, 'generator covers both verdicts');
}

describeOracles({ Go: 'connection.json decoding and validation agree with Go', Fabric: 'connection.json decoding and validation agree with Fabric\'s own Instance.ChaincodeServerInfo (test/oracle-fabric)' }, (who, skip, oracle, release) => {
  const runs = oracleRuns(DEFAULT_RUNS, release);
  it(`${runs} generated documents: same verdict, exact error text, same decoded values`, { skip, timeout: 900_000 }, async () => {
    await agreeOnConnections(oracle(), oracleRunName('ccaas-connection', who, release), runs, release ? `${who} ${release}` : who, release);
  });
});
