import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { goFixtureSkip, goServerCommand } from '../../mocks/chaincode/go/launch.js';
import { buildJavaFixture, javaMissing, javaServerCommand } from '../../mocks/chaincode/java/launch.js';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { launchServer, type RunningServer } from '../../src/server/command.js';
import { TestMsp } from '../../src/peer/identity.js';
import type { FabricRelease } from '../../src/catalogue/releases.js';
import { ROOT } from '../support/cli.js';
import { assetScenarios, type AssetScenario } from '../support/assetFeature.js';
import { protocolOracleBinary, ProtocolOracle } from '../support/protocolOracle.js';
import { decodeKeyModification, decodeQueryResponse, decodeResponse, encodeQueryResponse, encodeQueryStateId } from '../../src/peer/codec.js';
import { comparable, firstTranscriptDifference, onFabric, onMockPeer, prepare, type CalleeServer, type WireEntry } from '../support/shimTranscripts.js';

/**
 * Issue 14 item 4: features/examples/asset.feature's transactions (read from the feature file)
 * against the real Node, Go and Java shims' servers, once driven by Fabric's own chaincode
 * Handler (3.1 and 2.5, each with the mock peer set to that release) (test/oracle-protocol, recording on the peer's side) and once by the mock peer: every
 * ChaincodeMessage sent and received must be the same, after the normalisations named in
 * test/support/shimTranscripts.ts (comparable). One shim server per shim, one stream per scenario
 * and peer; a second chaincode ("Calling a second chaincode") is the same shim's server started
 * again under its own package ID, as the feature's step starts it (src/session/stages/secondChaincode.ts). Without go, java/mvn or the Fabric mirror this skips with the reason; with CI=true it runs.
 */

/** Each shim server is started once; each scenario runs through both releases' Handlers and the mock peer set to that release. */
const RELEASES: readonly FabricRelease[] = ['3.1', '2.5'];
const PACKAGE_ID = 'asset_1.0:6f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function javaSkip(): string | null {
  const missing = javaMissing();
  if (missing) return missing;
  const built = buildJavaFixture();
  if (!built.ok) throw new Error(`building mocks/chaincode/java failed:\n${built.output}`);
  return null;
}

const SHIMS: ReadonlyArray<{ readonly name: string; readonly skip: () => string | null; readonly command: () => string }> = [
  { name: 'Node (fabric-shim)', skip: () => null, command: () => nodeServerCommand() },
  { name: 'Go (fabric-chaincode-go/v2)', skip: goFixtureSkip, command: () => goServerCommand() },
  { name: 'Java (fabric-chaincode-shim)', skip: javaSkip, command: javaServerCommand },
];

/**
 * What Fabric's side must show for the scenarios the oracle runs with its extensions (collections,
 * CouchDB fake, history, a second chaincode), so that agreement is never agreement on a failure:
 * the feature's own Then steps, checked on Fabric's transcript.
 */
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const completed = (t: readonly WireEntry[]): Array<{ status: number; payload: string }> =>
  t.filter((m) => m.dir === 'cc→peer' && m.type === 'COMPLETED').map((m) => decodeResponse(m.payload)).map((r) => ({ status: r?.status ?? -1, payload: text(r?.payload ?? new Uint8Array()) }));
const EXPECTED: Readonly<Record<string, (t: readonly WireEntry[]) => void>> = {
  'Rich query with a Mango selector on CouchDB': (t) => {
    assert.deepEqual(JSON.parse(completed(t)[0]?.payload ?? 'null'), [{ key: 'c3', value: '{"id":"c3","owner":"o2"}' }, { key: 'c1', value: '{"id":"c1","owner":"o1"}' }]);
  },
  'History of a key': (t) => {
    const i = t.findIndex((m) => m.type === 'GET_HISTORY_FOR_KEY');
    const r = t.slice(i).find((m) => m.type === 'RESPONSE');
    const mods = (decodeQueryResponse(r?.payload ?? new Uint8Array())?.results ?? []).map((b) => decodeKeyModification(b));
    const txids = t.filter((m) => m.type === 'TRANSACTION').map((m) => m.txid);
    assert.deepEqual(mods.map((m) => m?.txId), [txids[1], txids[0]], 'the two modifications of h1, newest first');
    assert.ok(mods.every((m) => m?.timestamp instanceof Date), 'each with its transaction\'s timestamp');
    assert.equal(JSON.parse(completed(t)[2]?.payload ?? '[]').length, 2);
  },
  'Private data with transient input and its hash': (t) => {
    assert.deepEqual(completed(t).map((r) => r.status), [200, 200, 200]);
    assert.equal(completed(t)[1]?.payload, 'secret');
    assert.equal(completed(t)[2]?.payload, '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b');
  },
  'A non-member cannot read the collection': (t) => {
    const e = t.find((m) => m.dir === 'peer→cc' && m.type === 'ERROR');
    assert.match(text(e?.payload ?? new Uint8Array()), /tx creator does not have read access permission on privatedata in chaincodeName:asset collectionName: assetCollection/);
    assert.equal(completed(t)[1]?.status, 500);
  },
  'Calling a second chaincode': (t) => {
    const r = completed(t)[0];
    assert.equal(r?.status, 200);
    assert.deepEqual(JSON.parse(r?.payload ?? 'null'), { id: 'o1', value: 'green', owner: 'Org1MSP' });
  },
};

/**
 * Rich queries beyond the feature's one, through the oracle's CouchDB fake and the mock peer's
 * emulation (QueryAssets on the Node shim): mixed types, non-JSON values (CouchDB attachments),
 * projections, sorts, skip, combinations. Where the two differed, statecouchdb's code and
 * CouchDB's matcher decided which side was wrong (test/oracle-protocol/mango.go, src/ledger/mango.ts).
 */
const MANGO_SEED: ReadonlyArray<readonly [string, string]> = [
  ['d1', '{"id":"d1","n":5,"tag":"x","sub":{"a":1,"b":"<&>"},"arr":[1,2]}'],
  ['d2', '{"id":"d2","n":10,"tag":"y","sub":{"a":2}}'],
  ['d3', '{"id":"d3","n":1.5,"tag":"x","zeta":true,"alpha":null}'],
  ['d4', 'not json'],
  ['d5', '{"id":"d5","n":"7","tag":"X"}'],
];
const MANGO_QUERIES: readonly string[] = [
  '{"selector":{"n":{"$gt":2}}}',
  '{"selector":{"tag":"x"}}',
  '{"selector":{"sub.a":{"$gte":1}},"fields":["sub.b","id"]}',
  '{"selector":{"n":{"$exists":true}},"sort":[{"n":"asc"}]}',
  '{"selector":{"$or":[{"tag":"y"},{"zeta":true}]}}',
  '{"selector":{"tag":{"$in":["x","X"]}},"skip":1}',
  '{"selector":{"_id":{"$gt":"d2"}}}',
  '{"selector":{"_id":{"$gte":"d3"}},"fields":["id"]}',
  '{"selector":{"n":{"$lt":"a"}},"sort":[{"n":"desc"}]}',
  '{"selector":{"arr":{"$gt":[1]}}}',
  '{"selector":{"tag":"x"},"limit":1}',
];
function mangoScenario(query: string): AssetScenario {
  return {
    name: `Mango ${query}`,
    seed: MANGO_SEED.map(([key, value]) => ({ namespace: null, key, value })),
    stateDb: 'couchdb',
    collections: [],
    callees: [],
    txs: [{ kind: 'query', fn: 'QueryAssets', args: [query], transient: {}, mspId: 'Org1MSP', user: 'User1' }],
    outOfScope: null,
  };
}

const scenarios = assetScenarios();
/** The second chaincodes the scenarios call, each started once per shim. */
const CALLEES = [...new Set(scenarios.flatMap((s) => s.callees))];
const inScope = scenarios.filter((s) => s.outOfScope === null);

describe('asset.feature: the scenarios read from the feature file', () => {
  it('are parsed with their transactions, and the ones left out say why', () => {
    assert.equal(inScope.length, scenarios.length, `left out: ${scenarios.filter((s) => s.outOfScope).map((s) => s.name).join(', ')}`);
    assert.ok(inScope.every((s) => s.txs.length > 0), 'a scenario in scope has no transaction');
    const range = scenarios.find((s) => s.name === 'Range query over seeded state');
    assert.deepEqual(range?.seed.map((e) => e.key), ['a1', 'a2', 'a3', 'b1']);
    assert.equal(scenarios.find((s) => s.name === 'Rich query with a Mango selector on CouchDB')?.stateDb, 'couchdb');
    assert.deepEqual(scenarios.find((s) => s.name === 'A non-member cannot read the collection')?.collections, [{ name: 'assetCollection', members: ['Org1MSP'] }]);
    const call = scenarios.find((s) => s.name === 'Calling a second chaincode');
    assert.deepEqual(call?.callees, ['other']);
    for (const name of Object.keys(EXPECTED)) assert.ok(scenarios.some((x) => x.name === name), `no scenario named '${name}'`);
    assert.deepEqual(call?.seed.map((e) => [e.namespace, e.key]), [['other', 'o1']]);
    assert.deepEqual(range?.txs[0], { kind: 'query', fn: 'GetAssetsByRange', args: ['a', 'b'], transient: {}, mspId: 'Org1MSP', user: 'User1' });
    assert.equal(scenarios.find((s) => s.name === 'The client identity reaches the contract')?.txs[0]?.mspId, 'Org2MSP');
    assert.equal(scenarios.find((s) => s.name === 'Rich queries need CouchDB')?.txs[0]?.args[0], '{"selector":{"value":"blue"}}');
    for (const s of scenarios) if (s.outOfScope) process.stdout.write(`# left out: ${s.name}: ${s.outOfScope}\n`);
  });
});

describe('the transcript comparison', () => {
  const entry = (dir: string, type: string, payload: Uint8Array): WireEntry => ({ dir, type, txid: 't1', channel: 'mychannel', payload, proposal: new Uint8Array() });
  const range = (id: string): WireEntry[] => [
    entry('cc→peer', 'GET_STATE_BY_RANGE', new Uint8Array([10, 1, 97])),
    entry('peer→cc', 'RESPONSE', encodeQueryResponse({ results: [], hasMore: true, id })),
    entry('cc→peer', 'QUERY_STATE_CLOSE', encodeQueryStateId(id)),
  ];
  it('names iterator IDs by order of appearance, and sees any other difference', () => {
    assert.equal(firstTranscriptDifference(comparable(range('4b5f0c1e-uuid')), comparable(range('i1'))), null);
    assert.deepEqual((comparable(range('x'))[2] as { payload: unknown }).payload, { id: 'iterator#1' });
    const other = range('i1');
    other[0] = entry('cc→peer', 'GET_STATE_BY_RANGE', new Uint8Array([10, 1, 98]));
    assert.match(firstTranscriptDifference(comparable(range('i1')), comparable(other)) ?? '', /message #1 differs/);
    assert.match(firstTranscriptDifference(comparable(range('i1')), comparable(range('i1').slice(0, 2))) ?? '', /message #3 differs/);
  });
});

for (const shim of SHIMS) {
  describe(`asset.feature on the ${shim.name} server: Fabric ${RELEASES.join(' and ')}'s Handlers and the mock peer send and receive the same messages`, () => {
    const bins = RELEASES.map((r) => protocolOracleBinary(r));
    let skip: string | false = false;
    for (const b of bins) if (!skip && 'skip' in b) skip = b.skip;
    if (!skip) skip = shim.skip() ?? false;
    if (skip && process.env['CI'] === 'true') it('runs in CI', () => assert.fail(skip as string));
    let server: RunningServer | null = null;
    const calleeServers: RunningServer[] = [];
    const callees = new Map<string, CalleeServer>();
    const oracles = new Map<FabricRelease, ProtocolOracle>();
    let serverAddress = '';
    const msps = new Map<string, TestMsp>();
    const msp = (id: string): TestMsp => {
      const have = msps.get(id) ?? new TestMsp(id);
      msps.set(id, have);
      return have;
    };
    before(async () => {
      if (skip) return;
      const address = `127.0.0.1:${await freePort()}`;
      serverAddress = address;
      server = await launchServer({ command: shim.command(), packageId: PACKAGE_ID, address, cwd: ROOT, baseEnv: process.env, startTimeoutMs: 120_000 });
      if (server.problem) throw new Error(`the ${shim.name} server did not start: ${server.problem}\n${server.output().join('\n')}`);
      for (const name of CALLEES) {
        const packageId = `${name}:${createHash('sha256').update(name).digest('hex')}`;
        const calleeAddress = `127.0.0.1:${await freePort()}`;
        const c = await launchServer({ command: shim.command(), packageId, address: calleeAddress, cwd: ROOT, baseEnv: process.env, startTimeoutMs: 120_000 });
        calleeServers.push(c);
        if (c.problem) throw new Error(`the ${shim.name} server for the second chaincode '${name}' did not start: ${c.problem}\n${c.output().join('\n')}`);
        callees.set(name, { packageId, address: calleeAddress });
      }
      for (const b of bins) if ('bin' in b) oracles.set(b.release, new ProtocolOracle(b.bin));
    });
    after(async () => {
      for (const o of oracles.values()) await o.stop();
      await server?.stop();
      await Promise.all(calleeServers.map((c) => c.stop()));
    });
    for (const s of inScope) {
      it(s.name, { skip, timeout: 300_000 }, async () => {
        for (const release of RELEASES) {
          const oracle = oracles.get(release);
          assert.ok(oracle, `no oracle for Fabric ${release}`);
          const txs = prepare(s, msp);
          const f = await onFabric(oracle, serverAddress, PACKAGE_ID, s, txs, release, callees, [...msps.values()]);
          const m = await onMockPeer(serverAddress, PACKAGE_ID, s, txs, release, callees);
          assert.equal(f.fault, null, `Fabric ${release}'s side: ${f.fault ?? ''}`);
          assert.equal(m.fault, null, `the mock peer's side (${release}): ${m.fault ?? ''}`);
          const a = comparable(f.transcript);
          const b = comparable(m.transcript);
          assert.ok(a.length >= 3 + 2 * s.txs.length, `Fabric ${release}'s transcript has only ${a.length} messages`);
          // the SignedProposal reached the chaincode on Fabric's side (Handler.Execute sets it)
          assert.ok(a.some((x) => (x as { type: string; proposal?: string }).type === 'TRANSACTION' && (x as { proposal?: string }).proposal), 'no TRANSACTION carried the proposal');
          EXPECTED[s.name]?.(f.transcript);
          const d = firstTranscriptDifference(a, b);
          assert.equal(d, null, `Fabric ${release}: ${d ?? ''}`);
          process.stdout.write(`# ${shim.name} · Fabric ${release} · ${s.name}: ${a.length} messages agree (${[...new Set(a.map((x) => (x as { type: string }).type))].join(' ')})\n`);
        }
      });
    }
    if (shim.name.startsWith('Node')) {
      it(`${MANGO_QUERIES.length} more Mango queries: the oracle's CouchDB fake and the mock peer's emulation agree`, { skip, timeout: 300_000 }, async () => {
        for (const release of RELEASES) {
          const oracle = oracles.get(release);
          assert.ok(oracle, `no oracle for Fabric ${release}`);
          for (const q of MANGO_QUERIES) {
            const s = mangoScenario(q);
            const txs = prepare(s, msp);
            const f = await onFabric(oracle, serverAddress, PACKAGE_ID, s, txs, release, callees, [...msps.values()]);
            const m = await onMockPeer(serverAddress, PACKAGE_ID, s, txs, release);
            assert.equal(f.fault, null, `Fabric ${release}'s side: ${f.fault ?? ''}`);
            assert.equal(m.fault, null, `the mock peer's side: ${m.fault ?? ''}`);
            assert.equal(completed(f.transcript)[0]?.status, 200, `${q}: ${completed(f.transcript)[0]?.payload ?? ''}`);
            const d = firstTranscriptDifference(comparable(f.transcript), comparable(m.transcript));
            assert.equal(d, null, `Fabric ${release}, ${q}: ${d ?? ''}`);
          }
        }
      });
    }
  });
}
