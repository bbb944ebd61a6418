import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node -r`) into the CLI by bench/skeleton.ts only: at exit, writes the process's own
 * CPU time (user + system, its children excluded) and the modules it loaded to the file named by
 * CCAAS_BENCH_PROBE. The harness itself never loads this.
 */

export interface ProbeResult {
  readonly cpuMs: number;
  readonly modules: number;
}

const out = process.env['CCAAS_BENCH_PROBE'];
if (out) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    const result: ProbeResult = { cpuMs: (u.user + u.system) / 1000, modules: Object.keys(require.cache).length };
    writeFileSync(out, JSON.stringify(result));
  });
}
