import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startImpostor, type ImpostorConn } from '../../mocks/chaincode/impostors/server.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { calculatePackageId } from '../../src/package/packageid.js';
import { decodeChaincodeInput, encodeChaincodeId, encodeGetState, encodeResponse, MessageType as T } from '../../src/peer/codec.js';
import { runCli, tempDir } from '../support/cli.js';

/**
 * The protocol stage judges the server itself: impostor servers that misbehave in one way each
 * (no echo of txid/channel, a hang on an unknown function, one peer at a time) fail exactly the
 * rule they break, through the real CLI (--address).
 */

type Quirk = 'none' | 'stray-request' | 'hang-unknown' | 'one-peer' | 'shared-state';

/** What the servers of one impostor share: open connections and, for 'shared-state', one handler state. */
interface Shared {
  n: number;
  state: 'created' | 'established' | 'ready';
}

function script(packageId: string, quirk: Quirk, shared: Shared) {
  return async (c: ImpostorConn): Promise<void> => {
    if (quirk === 'one-peer' && shared.n > 0) {
      c.end();
      return;
    }
    shared.n++;
    void c.ended.then(() => shared.n--);
    // 'shared-state' keeps one state for every connection, as the Java shim's ChaincodeBase does
    let own: Shared['state'] = 'created';
    const state = quirk === 'shared-state' ? shared : { get state() { return own; }, set state(v: Shared['state']) { own = v; } };
    state.state = 'created';
    c.send({ type: T.REGISTER, payload: encodeChaincodeId(packageId) });
    for (;;) {
      const m = await c.next(60_000);
      if (!m) return;
      if (m.type === T.REGISTERED && state.state === 'created') state.state = 'established';
      if (m.type === T.READY && state.state === 'established') state.state = 'ready';
      if (m.type !== T.TRANSACTION || state.state !== 'ready') continue;
      const fn = Buffer.from(decodeChaincodeInput(m.payload)?.args[0] ?? new Uint8Array()).toString();
      if (quirk === 'stray-request') c.send({ type: T.GET_STATE, txid: `${m.txid}x`, channelId: m.channelId, payload: encodeGetState('k') });
      if (fn === 'ccaas_conformance_no_such_function') {
        if (quirk === 'hang-unknown') continue;
        c.send({ type: T.COMPLETED, txid: m.txid, channelId: m.channelId, payload: encodeResponse({ status: 500, message: `no function ${fn}`, payload: new Uint8Array() }) });
        continue;
      }
      c.send({ type: T.COMPLETED, txid: m.txid, channelId: m.channelId, payload: encodeResponse({ status: 200, message: '', payload: Buffer.from('{}') }) });
    }
  };
}

describe('the protocol stage judges the server (impostors through the CLI)', () => {
  let dir: { path: string; remove(): Promise<void> };
  let pkg: string;
  let packageId: string;
  before(async () => {
    dir = await tempDir();
    pkg = await writeSamplePackage(join(dir.path, 'p.tgz'), { address: 'localhost:1' });
    packageId = (await calculatePackageId(pkg)).packageId ?? '';
    assert.match(packageId, /^asset_ccaas:/);
  });
  after(async () => dir.remove());

  async function judge(quirk: Quirk): Promise<Map<string, { status: string; message: string }>> {
    const imp = await startImpostor(script(packageId, quirk, { n: 0, state: 'created' }));
    try {
      const r = await runCli([pkg, '--address', imp.address, '--execute-timeout', '1500', '--quiet'], { reportDir: join(dir.path, quirk) });
      const result = await r.result();
      return new Map(result.rules.filter((x) => x.id.startsWith('PROTO')).map((x) => [x.id, { status: x.status, message: x.message }]));
    } finally {
      await imp.stop();
    }
  }

  it('a well-behaved impostor passes every server check', async () => {
    const rules = await judge('none');
    for (const id of ['PROTO-01', 'PROTO-07', 'PROTO-08', 'PROTO-15', 'PROTO-16', 'PROTO-19']) assert.equal(rules.get(id)?.status, 'passed', `${id}: ${rules.get(id)?.message}`);
  });

  it('requests for a txid the peer never sent fail PROTO-01', async () => {
    const rules = await judge('stray-request');
    assert.equal(rules.get('PROTO-01')?.status, 'failed');
    assert.match(rules.get('PROTO-01')?.message ?? '', /do not echo the txid and channel_id/);
  });

  it('no answer to an unknown function fails PROTO-15 (a hang, not an error status)', async () => {
    const rules = await judge('hang-unknown');
    assert.equal(rules.get('PROTO-15')?.status, 'failed');
    assert.match(rules.get('PROTO-15')?.message ?? '', /unknown function got no COMPLETED or ERROR/);
  });

  it('a server that takes one peer at a time fails PROTO-19', async () => {
    const rules = await judge('one-peer');
    assert.equal(rules.get('PROTO-19')?.status, 'failed');
    assert.match(rules.get('PROTO-19')?.message ?? '', /second peer could not use the server/);
  });

  it('a server with one handler state for all streams fails PROTO-19: the first peer loses a transaction while the second registers', async () => {
    const rules = await judge('shared-state');
    assert.equal(rules.get('PROTO-19')?.status, 'failed');
    assert.match(rules.get('PROTO-19')?.message ?? '', /sent while the second was registering: error in simulation: .*timeout expired while executing transaction; then first peer /);
    // the other checks, run before and after, still pass on such a server
    for (const id of ['PROTO-07', 'PROTO-08', 'PROTO-16']) assert.equal(rules.get(id)?.status, 'passed', `${id}: ${rules.get(id)?.message}`);
  });
});
