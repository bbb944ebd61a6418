import { rmSync } from 'node:fs';
import { killEverything, killGroupsNow, refuseNewChildren } from '../session/children.js';
import { SIGNAL_EXIT } from './exit.js';

/**
 * SIGINT, SIGTERM and SIGHUP during a run: every builder and server process group and every
 * descendant carrying this run's marker is killed, every temporary directory removed, one line is
 * printed, and the process exits 130, 143 or 129. Reports are staged and moved into place in one
 * short step (src/cli/reportDir.ts): a signal before that step leaves the previous report
 * untouched; a signal during it is held until the report is whole.
 */

type Sig = keyof typeof SIGNAL_EXIT;
const SIGNALS: readonly Sig[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Cleanup that takes longer than this is cut short (the groups are already SIGKILLed). */
const CLEANUP_DEADLINE_MS = 3_000;
/** How long file operations already under way get to finish before the second removal. */
const AFTERMATH_MS = 50;

export interface InterruptScope {
  /** Temporary directories to remove. */
  readonly temp: string[];
  /** Run after the temporary directories go (e.g. the staging directory of the report); synchronous. */
  discard: (() => void) | null;
  /** What the one line says about the report directory. */
  reportNote: string;
  /** Hold signals (the report is being moved into place); false when the run is already being stopped (then do not start). */
  hold(): boolean;
  /** Stop holding; a signal that came meanwhile is acted on now. */
  release(): void;
  /** Uninstall the handlers (the run is over). */
  dispose(): void;
}

export function onInterrupt(): InterruptScope {
  let held = false;
  let pending: Sig | null = null;
  let stopping = false;

  const stop = (sig: Sig): void => {
    if (stopping) return;
    stopping = true;
    // the run's steps go on meanwhile: a builder they start now dies at once
    refuseNewChildren();
    killGroupsNow();
    const code = SIGNAL_EXIT[sig];
    let finalised = false;
    // Synchronously: the run's own steps (still going) cannot write into a directory while it is
    // being removed.
    const removeAll = (): void => {
      for (const d of scope.temp) {
        try {
          rmSync(d, { recursive: true, force: true, maxRetries: 3 });
        } catch {
          // nothing more can be done
        }
      }
      try {
        scope.discard?.();
      } catch {
        // idem
      }
    };
    const finalise = (): void => {
      if (finalised) return;
      finalised = true;
      killGroupsNow();
      removeAll();
    };
    const force = setTimeout(() => {
      finalise();
      process.exit(code);
    }, CLEANUP_DEADLINE_MS);
    force.unref();
    void (async () => {
      let killed = { groups: 0, strays: 0 };
      try {
        killed = await killEverything();
      } catch {
        // best effort: the deadline above still ends the process
      }
      finalise();
      // A file operation the run handed to libuv's threads before the removal (an extraction's
      // mkdir) can still create a directory again: give those threads a moment, with this one
      // blocked so that none of the run's own steps goes on meanwhile, then remove once more.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, AFTERMATH_MS);
      removeAll();
      const procs = killed.strays > 0 ? `, and ${killed.strays} process(es) that had left their group` : '';
      // the live progress line (a terminal only) is cleared first, so the one line stands alone
      if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K');
      if (process.stderr.isTTY && !process.stdout.isTTY) process.stderr.write('\r\x1b[2K');
      process.stderr.write(`ccaas-conformance: interrupted by ${sig}: stopped the builders and the server${procs}, removed the temporary files; ${scope.reportNote}\n`);
      process.exit(code);
    })();
  };

  const handler = (sig: NodeJS.Signals): void => {
    const s = sig as Sig;
    if (held) {
      pending ??= s;
      return;
    }
    stop(s);
  };

  const scope: InterruptScope = {
    temp: [],
    discard: null,
    reportNote: 'no report was written',
    hold: () => {
      if (stopping) return false;
      held = true;
      return true;
    },
    release: () => {
      held = false;
      if (pending) stop(pending);
    },
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
      process.off('exit', killGroupsNow);
    },
  };
  for (const s of SIGNALS) process.on(s, handler);
  process.on('exit', killGroupsNow);
  return scope;
}
