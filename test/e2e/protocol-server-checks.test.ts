import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startImpostor, type ImpostorConn } from '../../mocks/chaincode/impostors/server.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { calculatePackageId } from '../../src/package/packageid.js';
import { decodeChaincodeInput, encodeChaincodeId, encodeGetState, encodeResponse, MessageType as T } from '../../src/peer/codec.js';
import type { ResultJson } from '../../src/report/result.js';
import { runCli, tempDir, type CliRun } from '../support/cli.js';

/**
 * The protocol stage judges the server itself: impostor servers that misbehave in one way each
 * (no echo of txid/channel, a hang on an unknown function, one peer at a time) fail exactly the
 * rule they break, through the real CLI (--address).
 */

type Quirk = 'smoke-500' | 'none' | 'stray-request' | 'hang-unknown' | 'error-unknown' | 'ok-unknown' | 'garbled-unknown' | 'hangup-unknown' | 'hangup-registered' | 'one-peer' | 'shared-state';

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
    if (quirk === 'hangup-registered') {
      // as the real-peer corpus's ends-stream impostor: gone as soon as the peer says REGISTERED
      await c.nextOf(T.REGISTERED, 60_000);
      c.end();
      return;
    }
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
      // 'smoke-500': a chaincode bug, every other function answered 500 (the peer relays it)
      const status = quirk === 'smoke-500' ? 500 : 200;
      c.send({ type: T.COMPLETED, txid: m.txid, channelId: m.channelId, payload: encodeResponse({ status, message: status === 500 ? 'asset store is not initialised' : '', payload: Buffer.from('{}') }) });
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

  async function judgeRun(quirk: Quirk, extra: string[] = [], report = quirk as string): Promise<{ run: CliRun; result: ResultJson }> {
    const imp = await startImpostor(script(packageId, quirk, { n: 0, state: 'created' }));
    try {
      const run = await runCli([pkg, '--address', imp.address, '--execute-timeout', '1500', ...extra], { reportDir: join(dir.path, report) });
      return { run, result: await run.result() };
    } finally {
      await imp.stop();
    }
  }

  async function judge(quirk: Quirk): Promise<Map<string, { status: string; message: string }>> {
    const { result } = await judgeRun(quirk, ['--quiet']);
    return new Map(result.rules.filter((x) => x.id.startsWith('PROTO')).map((x) => [x.id, { status: x.status, message: x.message }]));
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

  it('a success status for an unknown function is the chaincode\'s answer, not a peer rejection: PROTO-07 passes, the answer is reported in its own category', async () => {
    const { run, result } = await judgeRun('ok-unknown');
    const p7 = result.rules.find((x) => x.id === 'PROTO-07');
    assert.equal(p7?.status, 'passed', p7?.message);
    assert.equal(result.verdict, 'conformant');
    assert.equal(run.code, 0, run.stdout);
    assert.equal(result.chaincodeAnswers.length, 1);
    const a = result.chaincodeAnswers[0];
    assert.equal(a?.request, 'unknown-function');
    assert.equal(a?.answer, 'status 200');
    assert.equal(a?.failsRun, false);
    assert.match(a?.peer ?? '', /^The peer accepts this setup and endorses the answer as a successful transaction/);
    assert.match(run.stdout, /chaincode answer, unknown function 'ccaas_conformance_no_such_function': status 200/);
    assert.match(await run.file('junit.xml'), /<testsuite name="chaincode answers"[^>]*failures="0"/);
    assert.match(await run.file('index.html'), /<section class="stage" id="chaincode-answers">/);
  });

  it('a smoke transaction answered 500 is the chaincode\'s answer: the peer accepts the setup; only a --smoke you asked for fails the run, never as a peer rejection', async () => {
    const dflt = await judgeRun('smoke-500', [], 'smoke-500-default');
    for (const id of ['PROTO-07', 'PROTO-08', 'PROTO-16', 'PROTO-19']) {
      const r = dflt.result.rules.find((x) => x.id === id);
      assert.equal(r?.status, 'passed', `${id}: ${r?.message}`);
    }
    assert.equal(dflt.result.verdict, 'conformant');
    assert.equal(dflt.run.code, 0, dflt.run.stdout);
    assert.doesNotMatch(dflt.run.stdout, /would reject/);
    const a = dflt.result.chaincodeAnswers.find((x) => x.request === 'smoke');
    assert.equal(a?.answer, 'status 500 (asset store is not initialised)');
    assert.equal(a?.failsRun, false);
    assert.match(a?.peer ?? '', /^The peer accepts this setup: .*not a rejection by the peer\. It does not fail the run/);

    const asked = await judgeRun('smoke-500', ['--smoke', 'ReadAsset asset1'], 'smoke-500-asked');
    assert.equal(asked.run.code, 1, asked.run.stdout);
    assert.equal(asked.result.verdict, 'conformant');
    assert.equal(asked.result.rules.find((x) => x.id === 'PROTO-07')?.status, 'passed');
    assert.equal(asked.result.counts.MUST.failed ?? 0, 0);
    assert.deepEqual(asked.result.gate.reasons, ["your smoke transaction 'ReadAsset' was answered by the chaincode with status 500 (asset store is not initialised) (the chaincode's answer: the peer accepts this setup)"]);
    assert.doesNotMatch(asked.run.stdout, /would reject/);
    assert.match(asked.run.stdout, /exit 1 \(--level must\): the chaincode answered your smoke transaction 'ReadAsset' with a failure \(the chaincode's answer, not a peer rejection\)/);
    assert.match(await asked.run.file('junit.xml'), /<failure message="the chaincode answered status 500 \(asset store is not initialised\)" type="chaincode-answer">/);
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

  it('ending the stream right after REGISTERED fails PROTO-16 on the first transaction, naming both texts the peer prints for it', async () => {
    const rules = await judge('hangup-registered');
    const p16 = rules.get('PROTO-16');
    assert.equal(p16?.status, 'failed', p16?.message);
    assert.match(p16?.message ?? '', /^the transaction failed: error in simulation: failed to execute transaction [0-9a-f]+: /);
    // the peer's race (ChaincodeSupport.Launch): whichever side the harness's timing took, both texts are named
    assert.ok(p16?.message.includes('error sending: chaincode stream terminated'), p16?.message);
    assert.ok(p16?.message.includes(`claimed to start chaincode container for ${packageId} but could not find handler`), p16?.message);
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
