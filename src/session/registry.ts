import type { RunConfig } from './config.js';
import { PeerSession } from './session.js';

/**
 * The sessions of this process, one per run (keyed by the run's work dir): the Cucumber World
 * finds its session here, and the CLI closes them all when a run ends, however it ends.
 */
const sessions = new Map<string, PeerSession>();

export function sessionFor(config: RunConfig): PeerSession {
  let s = sessions.get(config.workDir);
  if (!s) {
    s = new PeerSession(config);
    sessions.set(config.workDir, s);
  }
  return s;
}

export async function closeSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map((s) => s.close()));
}
