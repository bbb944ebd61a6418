import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startImpostor, type Impostor } from '../../mocks/chaincode/impostors/server.js';
import { samplePackage, writeSamplePackage } from '../../mocks/sample/sample.js';
import { MessageType as T, encodeChaincodeId, encodeResponse } from '../../src/peer/codec.js';
import { runCli, tempDir } from '../support/cli.js';
import { writeFile } from 'node:fs/promises';

/**
 * Shapes of real deployments, end to end through the CLI: completions that match no transaction,
 * servers that die, service host names (--command, --resolve, --address) and the certificates
 * that go with them. Every run is diagnosed, not waited out: the time bounds below catch hangs
 * (see HANG_MS), with margins many times the expected few seconds.
 */

/**
 * The peer's own waits are made long (--execute-timeout 300 s, dial_timeout 120 s...) so that a run
 * that waits one out instead of diagnosing it is caught with a wide margin on a loaded machine.
 */
const HANG_MS = 60_000;

describe('real deployments: verdicts without waiting the peer\'s timeouts out', () => {
  let dir: { path: string; remove(): Promise<void> };
  const stops: Array<() => Promise<void>> = [];
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    for (const s of stops) await s();
    await dir.remove();
  });

  it('a COMPLETED on the wrong channel: PROTO-08 names the field, says the peer drops it and times out, in seconds', async () => {
    // The package ID depends on the package bytes, which depend on the address: start the server first.
    let packageId = '';
    const imp: Impostor = await startImpostor(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId(packageId) });
      if (!(await c.nextOf(T.READY))) return;
      const tx = await c.nextOf(T.TRANSACTION, 20_000);
      if (!tx) return;
      c.send({ type: T.COMPLETED, txid: tx.txid, channelId: 'otherchannel', payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }) });
    });
    stops.push(() => imp.stop());
    const bytes = await samplePackage({ address: imp.address });
    packageId = `asset_ccaas:${createHash('sha256').update(bytes).digest('hex')}`;
    const pkg = join(dir.path, 'wrong-channel.tgz');
    await writeFile(pkg, bytes);
    const run = await runCli([pkg, '--execute-timeout', '300000', '--quiet'], { reportDir: join(dir.path, 'r-wrong-channel'), timeoutMs: 400_000 });
    const result = await run.result();
    const rule = result.rules.find((r) => r.id === 'PROTO-08');
    assert.equal(rule?.status, 'failed', JSON.stringify(result.rules.filter((r) => r.status !== 'passed' && r.status !== 'disabled')));
    assert.match(rule?.message ?? '', /with channel_id "otherchannel" \(the transaction's is "mychannel"\)/);
    assert.match(rule?.message ?? '', /drops the message .*notifier Txid:[0-9a-f]{64}, channelID:otherchannel does not exist for handling message COMPLETED/);
    assert.match(rule?.message ?? '', /after chaincode\.executetimeout \(300 s\)/);
    assert.match(rule?.peerError ?? '', /failed to execute transaction [0-9a-f]{64}: error sending: timeout expired while executing transaction$/);
    assert.match(rule?.remedy ?? '', /txid and channel_id of the TRANSACTION/);
    assert.equal(run.code, 1);
    for (const file of ['index.html', 'junit.xml']) assert.match(await run.file(file), /otherchannel/, `${file} names the mismatched channel`);
    process.stdout.write(`# wrong channel: ${run.ms} ms\n`);
    assert.ok(run.ms < HANG_MS, `the run took ${run.ms} ms: the harness waited out executetimeout (300 s) instead of diagnosing the dropped COMPLETED`);
  });
});

void writeSamplePackage;
