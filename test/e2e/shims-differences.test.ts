import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLive, type LiveChaincode } from '../../mocks/chaincode/impostors/live.js';
import { goFixtureSkip, goServerCommand } from '../../mocks/chaincode/go/launch.js';
import { buildJavaFixture, javaMissing, javaServerCommand } from '../../mocks/chaincode/java/launch.js';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import type { ProposalResult } from '../../src/peer/endorser.js';

/**
 * The differences between the Node, Java and Go shims that a CCaaS deployment meets, measured on
 * the same asset contract (catalogue SHIM-NODE-*, SHIM-JAVA-*, SHIM-GO-*): what an INIT failure is sent as, the
 * identity string, the peer's ERROR text, large messages, and KEEPALIVE and a second peer (those
 * two are in shims-features.test.ts, judged as PROTO-14 and PROTO-19).
 */

const javaSkip = (): string | false => {
  const m = javaMissing();
  return m && process.env['CI'] !== 'true' ? m : false;
};

interface Shim {
  readonly name: 'node' | 'java' | 'go';
  readonly command: () => string;
  readonly skip: () => string | false;
}

const SHIMS: Shim[] = [
  { name: 'node', command: nodeServerCommand, skip: () => false },
  { name: 'java', command: javaServerCommand, skip: javaSkip },
  { name: 'go', command: () => goServerCommand(), skip: () => goFixtureSkip() ?? false },
];

const text = (r: ProposalResult): string => Buffer.from(r.response.payload).toString('utf8');

for (const shim of SHIMS) {
  describe(`${shim.name} shim differences`, { skip: shim.skip() }, () => {
    let cc: LiveChaincode;
    const call = (fn: string, args: string[], o: { isInit?: boolean; commit?: boolean } = {}): Promise<ProposalResult> =>
      cc.peer.propose({ channelId: 'mychannel', chaincodeName: 'asset', args: [fn, ...args].map((a) => Buffer.from(a)), isInit: o.isInit ?? false, creator: cc.peer.msp.user('User1'), commit: o.commit ?? false });

    before(async () => {
      if (shim.name === 'java') {
        const b = buildJavaFixture();
        assert.ok(b.ok, b.ok ? '' : b.output);
      }
      cc = await startLive(shim.command(), { initRequired: true });
      assert.equal(cc.register.kind, 'registered');
    });
    after(async () => cc?.stop());

    it('a failing INIT comes back as COMPLETED with status 500 (Node, Java) or as ERROR (Go)', async () => {
      const r = await call('ReadAsset', ['missing'], { isInit: true, commit: true });
      const types = cc.handler.transcript.entries.filter((e) => e.dir === 'cc→peer' && e.txid === r.txId).map((e) => e.type);
      if (shim.name === 'go') {
        assert.match(r.peerError ?? '', /transaction returned with failure: asset missing does not exist$/);
        assert.deepEqual(types.slice(-1), ['ERROR']);
      } else {
        assert.equal(r.peerError, null, 'COMPLETED, not ERROR');
        assert.equal(r.response.status, 500);
        assert.deepEqual(types.slice(-1), ['COMPLETED']);
      }
      const ok = await call('Ping', [], { isInit: true, commit: true });
      assert.equal(ok.response.status, 200, ok.response.message);
      const again = await call('Ping', [], { isInit: true });
      assert.match(again.peerError ?? '', /chaincode 'asset' is already initialized but called as init/);
    });

    // The plain Go shim has no ClientIdentity (the Go fixture formats the ID itself): nothing to compare.
    if (shim.name !== 'go') it('ClientIdentity.getID() has a shim-specific format', async () => {
      const r = await call('WhoAmI', []);
      const id = (JSON.parse(text(r)) as { id: string }).id;
      if (shim.name === 'node') assert.match(id, /^x509::\/O=Org1MSP\/OU=client\/CN=User1::\/O=Org1MSP\/CN=ca\.org1msp$/);
      else assert.match(id, /^x509::CN=User1, OU=client, O=Org1MSP::CN=ca\.org1msp, O=Org1MSP$/);
    });

    it('the peer\'s ERROR reply reaches the client as the peer wrote it (Node, Go) or as a fixed text (Java)', async () => {
      const r = await call('QueryAssets', ['{"selector":{}}']);
      assert.equal(r.response.status, 500);
      if (shim.name !== 'java') assert.match(r.response.message, /ExecuteQuery not supported for leveldb/);
      else assert.match(r.response.message, /^\[[0-9a-f]{8}\]Unsuccessful response received\.$/);
    });

    it('accepts a 6 MiB argument (above grpc-js\'s 4 MiB default receive limit)', async () => {
      const big = 'x'.repeat(6 * 1024 * 1024);
      const r = await call('AssetExists', [big]);
      assert.equal(r.response.status, 200, r.peerError ?? r.response.message);
      assert.equal(text(r), 'false');
    });
  });
}
