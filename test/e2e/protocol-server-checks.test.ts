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

type Quirk = 'none' | 'stray-request' | 'hang-unknown' | 'error-unknown' | 'ok-unknown' | 'garbled-unknown' | 'hangup-unknown' | 'one-peer' | 'shared-state';

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
        if (quirk === 'error-unknown') {
          c.send({ type: T.ERROR, txid: m.txid, channelId: m.channelId, payload: Buffer.from(`no function ${fn}`) });
          continue;
        }
        if (quirk === 'ok-unknown' || quirk === 'garbled-unknown') {
          // a success status, or a payload that is no protos.Response (a truncated varint field)
          const payload = quirk === 'ok-unknown' ? encodeResponse({ status: 200, message: '', payload: new Uint8Array() }) : Buffer.from([0x08, 0xff]);
          c.send({ type: T.COMPLETED, txid: m.txid, channelId: m.channelId, payload });
          continue;
        }
        if (quirk === 'hangup-unknown') {
          c.end();
          return;
        }
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

  it('an ERROR for an unknown function passes PROTO-07', async () => {
    const rules = await judge('error-unknown');
    assert.equal(rules.get('PROTO-07')?.status, 'passed', rules.get('PROTO-07')?.message);
    assert.match(rules.get('PROTO-07')?.message ?? '', /answered promptly with an ERROR: .*transaction returned with failure: no function ccaas_conformance_no_such_function/);
  });

  it('a success status for an unknown function fails PROTO-07', async () => {
    const rules = await judge('ok-unknown');
    assert.equal(rules.get('PROTO-07')?.status, 'failed');
    assert.match(rules.get('PROTO-07')?.message ?? '', /answered with status 200, which the peer endorses as a success/);
  });

  it('an undecodable Response for an unknown function fails PROTO-08, not a pass of PROTO-07', async () => {
    const rules = await judge('garbled-unknown');
    assert.equal(rules.get('PROTO-08')?.status, 'failed', rules.get('PROTO-08')?.message);
    assert.match(rules.get('PROTO-08')?.message ?? '', /COMPLETED whose payload is not a protos.Response/);
    // PROTO-07 stands on the smoke transaction alone, which did complete with 200
    assert.doesNotMatch(rules.get('PROTO-07')?.message ?? '', /unknown function/);
  });

  it('ending the stream on an unknown function fails PROTO-16', async () => {
    const rules = await judge('hangup-unknown');
    assert.equal(rules.get('PROTO-16')?.status, 'failed', rules.get('PROTO-16')?.message);
    assert.match(rules.get('PROTO-16')?.message ?? '', /ended the stream when asked for an unknown function/);
    assert.doesNotMatch(rules.get('PROTO-07')?.message ?? '', /unknown function/);
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
