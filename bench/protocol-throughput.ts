import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { packageIdFor, startLive } from '../mocks/chaincode/impostors/live.js';
import { NODE_FIXTURE } from '../mocks/chaincode/node/launch.js';
import { drive, type BenchStats } from '../src/cli/commands/bench.js';
import { ChaincodeServiceDefinition, encodeChaincodeInput, fromWire, MessageType as T, toWire, type ChaincodeMsg, type WireMessage } from '../src/peer/codec.js';
import { TestMsp } from '../src/peer/identity.js';
import { buildProposal, type BuiltProposal } from '../src/peer/proposal.js';

/**
 * Ratio benchmark: against the raw Node shim (fabric-shim 2.5.8 `shim.server`, ChaincodeInterface),
 * the mock peer (full handler, endorser, fresh SignedProposal per transaction, ledger simulator)
 * must reach >= 90% of the throughput of a minimal hand-written grpc-js driver sending the same
 * TRANSACTION messages, with 64 in flight on one stream; it also reports CPU per transaction.
 */

const N = Number(process.env['BENCH_TX'] ?? 2000);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 1500);
const CONCURRENCY = 64;
const POOL = 1024;
const FLOOR = 0.9;
/** Short rounds, driver and mock peer interleaved, so machine noise hits both alike. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 8);

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const command = `CORE_CHAINCODE_LOGGING_LEVEL=warning exec ${q(process.execPath)} ${q(join(NODE_FIXTURE, 'raw-server.js'))}`;

/** The minimal driver: REGISTERED + READY, then TRANSACTIONs matched by txid on COMPLETED. */
async function minimalDriver(address: string, packageId: string, proposal: Uint8Array): Promise<{ run: (n: number) => Promise<BenchStats>; close(): void }> {
  const Client = grpc.makeGenericClientConstructor(ChaincodeServiceDefinition, 'Chaincode');
  const client = new Client(address, grpc.credentials.createInsecure());
  const call = (client as unknown as { connect(): grpc.ClientDuplexStream<WireMessage, WireMessage> }).connect();
  const pending = new Map<string, (m: ChaincodeMsg) => void>();
  const ready = new Promise<void>((resolve) => {
    call.on('data', (w: WireMessage) => {
      const m = fromWire(w);
      if (m.type === T.REGISTER) {
        call.write(toWire({ type: T.REGISTERED, payload: new Uint8Array(), txid: '', channelId: '' }));
        call.write(toWire({ type: T.READY, payload: new Uint8Array(), txid: '', channelId: '' }));
        resolve();
      } else if (m.type === T.COMPLETED || m.type === T.ERROR) {
        pending.get(m.txid)?.(m);
        pending.delete(m.txid);
      }
    });
  });
  call.on('error', () => undefined);
  await ready;
  void packageId;
  const input = encodeChaincodeInput([Buffer.from('ping')], false);
  let seq = 0;
  const one = (): Promise<string | null> =>
    new Promise((resolve) => {
      const txid = `${randomBytes(8).toString('hex')}${seq++}`;
      pending.set(txid, (m) => resolve(m.type === T.COMPLETED ? null : 'ERROR'));
      call.write(toWire({ type: T.TRANSACTION, payload: input, txid, channelId: 'mychannel', proposal }));
    });
  return {
    run: (n) => drive(n, CONCURRENCY, one),
    close: () => {
      call.cancel();
      client.close();
    },
  };
}

/** Rounds summed: throughput over the total time, CPU over all transactions, median p50/p99. */
function aggregate(xs: readonly BenchStats[]): BenchStats {
  const tx = xs.reduce((a, x) => a + x.tx, 0);
  const seconds = xs.reduce((a, x) => a + x.seconds, 0);
  const med = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
  return {
    tx,
    concurrency: CONCURRENCY,
    failed: xs.reduce((a, x) => a + x.failed, 0),
    seconds,
    txPerSecond: tx / seconds,
    p50Ms: med(xs.map((x) => x.p50Ms)),
    p99Ms: med(xs.map((x) => x.p99Ms)),
    peerCpuUsPerTx: xs.reduce((a, x) => a + x.peerCpuUsPerTx * x.tx, 0) / tx,
    firstError: xs.find((x) => x.firstError)?.firstError ?? null,
  };
}

function line(name: string, s: BenchStats): string {
  return `${name.padEnd(22)} ${s.txPerSecond.toFixed(0).padStart(6)} tx/s  p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms  CPU ${s.peerCpuUsPerTx.toFixed(1)} µs/tx  failed ${s.failed}`;
}

async function main(): Promise<number> {
  const live = await startLive(command, { label: 'raw' });
  if (live.register.kind !== 'registered') throw new Error(`the raw shim did not register: ${live.register.kind}`);
  const creator = live.peer.msp.user('User1');
  const args = [Buffer.from('ping')];
  // Clients build and sign their proposals: client CPU, done once before the clock starts. The
  // pool is cycled (a txid is reused only long after its transaction completed; the peer needs
  // channel+txid unique among transactions in flight).
  const pool: BuiltProposal[] = Array.from({ length: POOL }, () => buildProposal({ channelId: 'mychannel', chaincodeName: 'raw', args, isInit: false, creator }));
  let used = 0;
  const viaMockPeer = async (): Promise<string | null> => {
    const signed = pool[used++ % POOL];
    const r = await live.peer.propose({ channelId: 'mychannel', chaincodeName: 'raw', args, creator, commit: false, ...(signed ? { signed } : {}) });
    return r.peerError ?? (r.response.status === 200 ? null : `status ${r.response.status}`);
  };
  // the driver opens a second stream to the same server and sends the same TRANSACTION messages
  const proposal = buildProposal({ channelId: 'mychannel', chaincodeName: 'raw', args, isInit: false, creator: new TestMsp('Org1MSP').user('User1') }).signedProposal;
  const driver = await minimalDriver(live.address, packageIdFor('raw'), proposal);
  try {
    await drive(WARMUP, CONCURRENCY, viaMockPeer);
    await driver.run(WARMUP);
    const results = { driver: [] as BenchStats[], mock: [] as BenchStats[] };
    for (let round = 0; round < ROUNDS; round++) {
      results.driver.push(await driver.run(N));
      results.mock.push(await drive(N, CONCURRENCY, viaMockPeer));
    }
    const d = aggregate(results.driver);
    const m = aggregate(results.mock);
    const ratio = m.txPerSecond / d.txPerSecond;
    process.stdout.write(`protocol throughput: raw Node shim (fabric-shim 2.5.8), ping, ${ROUNDS} × ${N} tx each, ${CONCURRENCY} in flight, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up\n`);
    process.stdout.write(`  ${line('minimal grpc-js driver', d)}\n  ${line('mock peer', m)}\n`);
    process.stdout.write(`  ratio ${(ratio * 100).toFixed(1)}% (floor ${FLOOR * 100}%); peer-side CPU per transaction: mock peer ${m.peerCpuUsPerTx.toFixed(1)} µs, driver ${d.peerCpuUsPerTx.toFixed(1)} µs\n`);
    if (m.failed > 0 || d.failed > 0) {
      process.stdout.write('  FAILED: some transactions failed\n');
      return 1;
    }
    if (ratio < FLOOR) {
      process.stdout.write(`  FAILED: below the ${FLOOR * 100}% floor\n`);
      return 1;
    }
    return 0;
  } finally {
    driver.close();
    await live.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
