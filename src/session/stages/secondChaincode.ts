import { createHash } from 'node:crypto';
import { dial } from '../../dial/connect.js';
import { launchServer } from '../../server/command.js';
import { freeLoopbackPort } from '../../server/port.js';
import type { SessionContext } from '../types.js';
import { sessionPeer } from './sessionPeer.js';

/**
 * A second chaincode for INVOKE_CHAINCODE: the run's `--command` server started again under
 * another name, registered on the session's peer, and stopped with the run.
 */

const seconds = new Set<{ readonly pid: number; stop(): Promise<void>; close(): void }>();

// However the run ends (a signal, an uncaught error), no second server outlives it.
process.on('exit', () => {
  for (const x of seconds) {
    try {
      if (x.pid > 0) process.kill(-x.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts the run's `--command` server a second time as chaincode `name` (its own package ID,
 * `name:<sha256 of name>`, plaintext on a free loopback port), and commits a definition for it
 * on the session's peer: a callee for INVOKE_CHAINCODE.
 */
export async function startSecondChaincode(s: SessionContext, name: string): Promise<void> {
  const peer = sessionPeer(s);
  const existing = peer.definition(name);
  if (existing && peer.registry.handler(existing.packageId)) return;
  if (!s.config.command) throw new Error(`a second chaincode needs the server command (--command): the harness starts it again as '${name}'`);
  const packageId = `${name}:${createHash('sha256').update(name).digest('hex')}`;
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const server = await launchServer({ command: s.config.command, packageId, address, cwd: s.config.workDir, baseEnv: process.env });
  if (server.problem) {
    await server.stop();
    throw new Error(`the second chaincode '${name}' did not start: ${server.problem}\n${server.output().slice(-20).join('\n')}`);
  }
  const r = await dial({ address, dialTimeoutMs: 10_000, tls: null });
  if (!r.ok) {
    await server.stop();
    throw new Error(`cannot dial the second chaincode '${name}' at ${address}: ${r.grpcError}`);
  }
  seconds.add({ pid: server.pid, stop: () => server.stop(), close: () => r.dialed.close() });
  peer.define({ name, packageId, version: '1.0', initRequired: false, collections: [] });
  const h = peer.attach(r.dialed.stream, packageId);
  const o = await h.awaitRegister(s.config.registerTimeoutMs);
  if (o.kind !== 'registered') throw new Error(`the second chaincode '${name}' did not register (${o.kind})`);
}

/** Stops every second chaincode server this process started. */
export async function stopSecondChaincodes(): Promise<void> {
  const all = [...seconds];
  seconds.clear();
  for (const x of all) x.close();
  await Promise.all(all.map((x) => x.stop()));
}
