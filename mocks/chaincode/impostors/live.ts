import { createHash } from 'node:crypto';
import { PEER } from '../../../src/config/defaults.js';
import { dial, type Dialed } from '../../../src/dial/connect.js';
import type { PeerHandler, RegisterOutcome } from '../../../src/peer/handler.js';
import { MockPeer, type MockPeerConfig } from '../../../src/peer/mockPeer.js';
import { launchServer, type RunningServer } from '../../../src/server/command.js';
import { freeLoopbackPort } from '../../../src/server/port.js';

/**
 * For tests and benchmarks: a chaincode server started from a shell command (a real shim or an
 * impostor), dialled by a mock peer and registered, without a package or builders.
 */

export const freePort = freeLoopbackPort;

export function packageIdFor(label: string): string {
  return `${label}:${createHash('sha256').update(label).digest('hex')}`;
}

export interface LiveChaincode {
  readonly peer: MockPeer;
  readonly handler: PeerHandler;
  readonly register: RegisterOutcome;
  readonly packageId: string;
  readonly address: string;
  readonly server: RunningServer;
  /** Opens another stream to the same server, attached to `peer` (another peer when given). */
  connectAgain(peer?: MockPeer): Promise<{ handler: PeerHandler; dialed: Dialed; register: RegisterOutcome }>;
  stop(): Promise<void>;
}

export interface LiveOptions {
  readonly label?: string;
  /** The package ID the server registers with, when it should differ from the peer's (wrong-ID cases). */
  readonly serverPackageId?: string;
  readonly peer?: Partial<MockPeerConfig>;
  readonly registerTimeoutMs?: number;
  readonly startTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly collections?: ReadonlyArray<{ name: string; memberOrgs: string[] }>;
  readonly initRequired?: boolean;
  /** Attach the stream to this (existing) peer instead of a new one. */
  readonly attachTo?: MockPeer;
}

export function peerConfig(o: Partial<MockPeerConfig> = {}): MockPeerConfig {
  return { channels: ['mychannel'], runtimeParams: PEER.runtimeParams, executeTimeoutMs: 30_000, ...o };
}

/** Starts `command` as chaincode `label`, dials it plaintext and waits for REGISTER. */
export async function startLive(command: string, o: LiveOptions = {}): Promise<LiveChaincode> {
  const label = o.label ?? 'asset';
  const packageId = packageIdFor(label);
  const address = `127.0.0.1:${await freePort()}`;
  const server = await launchServer({ command, packageId: o.serverPackageId ?? packageId, address, cwd: process.cwd(), baseEnv: { ...process.env, ...o.env }, startTimeoutMs: o.startTimeoutMs ?? 60_000 });
  if (server.problem) {
    const out = server.output().slice(-30).join('\n');
    await server.stop();
    throw new Error(`${server.problem}\n${out}`);
  }
  const peer = o.attachTo ?? new MockPeer(peerConfig(o.peer));
  peer.define({ name: label, packageId, version: '1.0', initRequired: o.initRequired ?? false, collections: (o.collections ?? []).map((c) => ({ ...c, memberOnlyRead: true, memberOnlyWrite: true })) });
  const dialed: Dialed[] = [];
  const connect = async (p: MockPeer): Promise<{ handler: PeerHandler; dialed: Dialed; register: RegisterOutcome }> => {
    const r = await dial({ address, dialTimeoutMs: 10_000, tls: null });
    if (!r.ok) throw new Error(`dial ${address}: ${r.grpcError}`);
    dialed.push(r.dialed);
    if (!p.definition(label)) p.define({ name: label, packageId, version: '1.0', initRequired: o.initRequired ?? false, collections: [] });
    const handler = p.attach(r.dialed.stream, packageId);
    const register = await handler.awaitRegister(o.registerTimeoutMs ?? 20_000);
    return { handler, dialed: r.dialed, register };
  };
  const first = await connect(peer);
  return {
    peer,
    handler: first.handler,
    register: first.register,
    packageId,
    address,
    server,
    connectAgain: (p) => connect(p ?? peer),
    stop: async () => {
      for (const d of dialed) d.close();
      await server.stop();
    },
  };
}
