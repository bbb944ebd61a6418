import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `fn` and measures how late this process's timers ran meanwhile (the event loop's worst
 * delay). A deadline test asserts `elapsed <= deadline + allowance + lagMs`: the allowance is the
 * harness's promise (e.g. dial_timeout + 200 ms), the lag is the machine's (a loaded CI runner
 * that delays every timer), so the test checks the one without failing on the other.
 */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; lagMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    h.disable();
    return { value, ms, lagMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}
