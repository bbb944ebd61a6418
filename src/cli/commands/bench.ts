import { buildProposal } from '../../peer/proposal.js';
import { EXIT, UsageError } from '../exit.js';
import { COMMANDS } from '../flags.js';
import { launchForTransactions, readStateOption, saveState, seedState, splitArgs } from './invoke.js';

/**
 * `ccaas-conformance bench <package> --tx N --concurrency C --fn F [--args "a b"] [--warmup W]
 * [--commit] [--json]` plus the check options that reach the server: drives N transactions with
 * C in flight over the one chaincode stream (after W warm-up transactions) and prints throughput,
 * p50/p99 latency and the mock peer's CPU time per transaction.
 */

export interface BenchStats {
  readonly tx: number;
  readonly concurrency: number;
  readonly failed: number;
  readonly seconds: number;
  readonly txPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** User + system CPU of the peer process per transaction, in microseconds. */
  readonly peerCpuUsPerTx: number;
  readonly firstError: string | null;
}

function int(v: string | boolean | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || Number(v) <= 0) throw new UsageError(`--${name} takes a positive whole number`);
  return Number(v);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Runs `n` calls of `one` with `concurrency` in flight; latencies in ms. */
export async function drive(n: number, concurrency: number, one: () => Promise<string | null>): Promise<BenchStats> {
  const lat: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const s = performance.now();
      const err = await one();
      lat.push(performance.now() - s);
      if (err !== null) {
        failed++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  return {
    tx: n,
    concurrency,
    failed,
    seconds,
    txPerSecond: n / seconds,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    peerCpuUsPerTx: (cpu.user + cpu.system) / n,
    firstError,
  };
}

export async function runBenchCommand(argv: string[]): Promise<number> {
  const a = splitArgs(argv, COMMANDS['bench']?.options ?? {});
  if (a.rest.length > 0) throw new UsageError(`bench takes the function with --fn, not '${a.rest.join(' ')}'`);
  const fn = a.own.get('fn');
  if (typeof fn !== 'string') throw new UsageError('bench needs --fn FUNCTION');
  const n = int(a.own.get('tx'), 'tx', 1000);
  const concurrency = int(a.own.get('concurrency'), 'concurrency', 64);
  const warmup = int(a.own.get('warmup'), 'warmup', Math.min(300, n));
  const args = typeof a.own.get('args') === 'string' ? (a.own.get('args') as string).split(/\s+/).filter((x) => x.length > 0) : [];
  const commit = a.own.get('commit') === true;
  const state = await readStateOption(a.own.get('state'));
  const launched = await launchForTransactions(a.check);
  if (!launched) return EXIT.NON_CONFORMANT;
  try {
    seedState(launched, state);
    const creator = launched.session.msp.user('User1');
    const argBytes = [fn, ...args].map((x) => Buffer.from(x, 'utf8'));
    const channelId = launched.session.config.channelId;
    // Proposals are client work (build and sign), done before the clock starts; the pool is cycled
    // (a txid comes back only long after its transaction completed).
    const poolSize = Math.max(1024, concurrency * 4);
    const pool = Array.from({ length: poolSize }, () => buildProposal({ channelId, chaincodeName: launched.chaincodeName, args: argBytes, isInit: false, creator }));
    let used = 0;
    const one = async (): Promise<string | null> => {
      const signed = pool[used++ % poolSize];
      const r = await launched.peer.propose({ channelId, chaincodeName: launched.chaincodeName, args: argBytes, creator, commit, ...(signed ? { signed } : {}) });
      return r.peerError ?? (r.response.status >= 400 ? `status ${r.response.status}: ${r.response.message}` : null);
    };
    await drive(warmup, concurrency, one);
    const s = await drive(n, concurrency, one);
    await saveState(launched, a.own.get('save-state'));
    if (a.own.get('json') === true) process.stdout.write(`${JSON.stringify({ fn, args, commit, warmup, ...s }, null, 2)}\n`);
    else {
      process.stdout.write(
        [
          `${s.tx} transactions of ${fn} (${commit ? 'invoke, committed' : 'query'}), ${s.concurrency} in flight on one stream, after ${warmup} warm-up (proposals signed beforehand, as clients do)`,
          `  throughput   ${s.txPerSecond.toFixed(0)} tx/s (${s.seconds.toFixed(2)} s)`,
          `  latency      p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms`,
          `  peer CPU     ${s.peerCpuUsPerTx.toFixed(0)} µs per transaction (mock peer process, user+system)`,
          `  failed       ${s.failed}${s.firstError ? ` (first: ${s.firstError})` : ''}`,
          '',
        ].join('\n'),
      );
    }
    return s.failed > 0 ? EXIT.NON_CONFORMANT : EXIT.CONFORMANT;
  } finally {
    await launched.close();
  }
}
