import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildGoFixture, goMissing, goServerCommand } from '../mocks/chaincode/go/launch.js';
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
 * The same measure runs against the Go shim server (fabric-chaincode-go/v2 ChaincodeServer,
 * mocks/chaincode/go) when go and its modules are here, and is skipped with the reason otherwise.
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

/** A chaincode server to measure against, and the function its ping transaction calls. */
interface Target {
  readonly title: string;
  readonly command: string;
  readonly label: string;
  readonly fn: string;
}

const NODE_RAW: Target = {
  title: 'raw Node shim (fabric-shim 2.5.8)',
  command: `CORE_CHAINCODE_LOGGING_LEVEL=warning exec ${q(process.execPath)} ${q(join(NODE_FIXTURE, 'raw-server.js'))}`,
  label: 'raw',
  fn: 'ping',
};

const GO_SHIM: Target = { title: 'Go shim (fabric-chaincode-go/v2 ChaincodeServer)', command: goServerCommand(), label: 'go', fn: 'Ping' };

/** The minimal driver: REGISTERED + READY, then TRANSACTIONs matched by txid on COMPLETED. */
async function minimalDriver(address: string, packageId: string, fn: string, proposal: Uint8Array): Promise<{ run: (n: number) => Promise<BenchStats>; close(): void }> {
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
  const input = encodeChaincodeInput([Buffer.from(fn)], false);
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

/** Driver and mock peer against one server, interleaved; the lines to print and whether it held the floor. */
async function measure(t: Target): Promise<{ lines: string[]; ok: boolean }> {
  const live = await startLive(t.command, { label: t.label });
  if (live.register.kind !== 'registered') {
    await live.stop();
    throw new Error(`${t.title} did not register: ${live.register.kind}`);
  }
  const creator = live.peer.msp.user('User1');
  const args = [Buffer.from(t.fn)];
  // Clients build and sign their proposals: client CPU, done once before the clock starts. The
  // pool is cycled (a txid is reused only long after its transaction completed; the peer needs
  // channel+txid unique among transactions in flight).
  const pool: BuiltProposal[] = Array.from({ length: POOL }, () => buildProposal({ channelId: 'mychannel', chaincodeName: t.label, args, isInit: false, creator }));
  let used = 0;
  const viaMockPeer = async (): Promise<string | null> => {
    const signed = pool[used++ % POOL];
    const r = await live.peer.propose({ channelId: 'mychannel', chaincodeName: t.label, args, creator, commit: false, ...(signed ? { signed } : {}) });
    return r.peerError ?? (r.response.status === 200 ? null : `status ${r.response.status}`);
  };
  // the driver opens a second stream to the same server and sends the same TRANSACTION messages
  const proposal = buildProposal({ channelId: 'mychannel', chaincodeName: t.label, args, isInit: false, creator: new TestMsp('Org1MSP').user('User1') }).signedProposal;
  let driver: Awaited<ReturnType<typeof minimalDriver>> | null = null;
  try {
    driver = await minimalDriver(live.address, packageIdFor(t.label), t.fn, proposal);
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
    const lines = [
      `protocol throughput: ${t.title}, ${t.fn}, ${ROUNDS} × ${N} tx each, ${CONCURRENCY} in flight, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up`,
      `  ${line('minimal grpc-js driver', d)}`,
      `  ${line('mock peer', m)}`,
      `  ratio ${(ratio * 100).toFixed(1)}% (floor ${FLOOR * 100}%); peer-side CPU per transaction: mock peer ${m.peerCpuUsPerTx.toFixed(1)} µs, driver ${d.peerCpuUsPerTx.toFixed(1)} µs`,
    ];
    let ok = true;
    if (m.failed > 0 || d.failed > 0) {
      lines.push(`  FAILED: some transactions failed (${m.firstError ?? d.firstError ?? 'no error text'})`);
      ok = false;
    }
    if (ratio < FLOOR) {
      lines.push(`  FAILED: below the ${FLOOR * 100}% floor`);
      ok = false;
    }
    return { lines, ok };
  } finally {
    driver?.close();
    await live.stop();
  }
}

async function main(): Promise<number> {
  let ok = true;
  const node = await measure(NODE_RAW);
  process.stdout.write(`${node.lines.join('\n')}\n`);
  ok &&= node.ok;
  const missing = goMissing();
  if (missing) {
    process.stdout.write(`protocol throughput: ${GO_SHIM.title}: skipped: ${missing}\n`);
  } else {
    const built = buildGoFixture();
    if (!built.ok) throw new Error(`building mocks/chaincode/go failed:\n${built.output}`);
    const go = await measure(GO_SHIM);
    process.stdout.write(`${go.lines.join('\n')}\n`);
    ok &&= go.ok;
  }
  return ok ? 0 : 1;
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
