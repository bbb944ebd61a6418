import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Preloaded (`node -r`) into the CLI by bench/skeleton.ts only: at exit, writes the process's own
 * CPU time (user + system, its children excluded), the CPU of the children it waited for (the
 * builders and the chaincode server) and the modules it loaded to the file named by
 * CCAAS_BENCH_PROBE. The harness itself never loads this.
 */

export interface ProbeResult {
  readonly cpuMs: number;
  /** CPU of the children the CLI waited for (Linux /proc only; else null). */
  readonly childrenCpuMs: number | null;
  readonly modules: number;
}

/** cutime + cstime of /proc/self/stat (fields 16 and 17), in clock ticks of 10 ms (Linux's USER_HZ). */
export function childrenCpuMs(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) ? ticks * 10 : null;
}

function readStat(): string | null {
  try {
    return readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
}

const out = process.env['CCAAS_BENCH_PROBE'];
if (out) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    const stat = readStat();
    const result: ProbeResult = { cpuMs: (u.user + u.system) / 1000, childrenCpuMs: stat === null ? null : childrenCpuMs(stat), modules: Object.keys(require.cache).length };
    writeFileSync(out, JSON.stringify(result));
  });
}
