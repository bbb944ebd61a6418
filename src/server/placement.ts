import { lookup } from 'node:dns/promises';
import { createServer, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { joinHostPort, resolveFor, type Redirect, type ResolveEntry } from '../dial/redirect.js';
import { parseTarget } from '../dial/target.js';
import { freeLoopbackPort } from './port.js';

/**
 * Where the chaincode server under test listens and where the harness connects, for one
 * connection.json address: `--address` and `--resolve` say so; a `--command` server whose host
 * is not an address of this machine (a Docker or Kubernetes service name, or a remote IP) is
 * told to listen on loopback instead, since it could not bind there, and dialled there, as
 * `--resolve HOST:PORT:127.0.0.1` would. The peer's view stays the address (src/dial/redirect.ts).
 */

export interface Placement {
  /** The address the --command server is told to listen on (CHAINCODE_SERVER_ADDRESS, CORE_CHAINCODE_ADDRESS). */
  readonly listen: string;
  readonly redirect: Redirect | null;
}

export interface PlacementOptions {
  readonly address: string | null;
  readonly resolve: readonly ResolveEntry[];
  readonly command: boolean;
}

/** How long the harness asks its resolver whether a host is this machine. */
const LOOKUP_MS = 3_000;

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

function isLocal(ip: string, local: ReadonlySet<string>): boolean {
  return UNSPECIFIED.has(ip) || ip.startsWith('127.') || ip === '::1' || local.has(ip);
}

/** Whether a server on this machine can bind `host`: null when it can, else why not. */
export async function whyNotBindable(host: string): Promise<string | null> {
  const local = localAddresses();
  if (isIP(host)) return isLocal(host, local) ? null : `${host} is not an address of this machine`;
  const found = await Promise.race([
    lookup(host, { all: true }).then(
      (as) => ({ ips: as.map((a) => a.address), err: null as string | null }),
      (e: unknown) => ({ ips: [] as string[], err: (e as NodeJS.ErrnoException).code ?? String(e) }),
    ),
    new Promise<{ ips: string[]; err: string }>((r) => setTimeout(() => r({ ips: [], err: `no answer within ${LOOKUP_MS} ms` }), LOOKUP_MS).unref()),
  ]);
  if (found.err !== null) return `${host} does not resolve on this machine (${found.err})`;
  if (found.ips.some((ip) => isLocal(ip, local))) return null;
  return `${host} resolves to ${found.ips.join(', ')}, not an address of this machine`;
}

/** `port` on 127.0.0.1 when it is free, else a free one. */
async function loopbackPort(port: number): Promise<number> {
  if (port > 0) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freeLoopbackPort();
}

export async function placeServer(address: string, o: PlacementOptions): Promise<Placement> {
  const kept = ` The gRPC target and :authority, the TLS server name the peer verifies and the peer's quoted errors stay ${address}.`;
  if (o.address !== null) {
    return { listen: o.address, redirect: o.address === address ? null : { connectTo: o.address, via: '--address', note: `The harness connects to ${o.address} (--address) in place of ${address}.${kept}` } };
  }
  const entry = resolveFor(address, o.resolve);
  if (entry) {
    const connectTo = joinHostPort(entry.addr, entry.port);
    return { listen: connectTo, redirect: { connectTo, via: '--resolve', note: `--resolve ${joinHostPort(entry.host, entry.port)}:${entry.addr}: TCP connections to ${address} go to ${connectTo}.${kept}` } };
  }
  const t = parseTarget(address);
  if (!o.command || t.kind !== 'tcp' || t.host === '') return { listen: address, redirect: null };
  const why = await whyNotBindable(t.host);
  if (why === null) return { listen: address, redirect: null };
  const port = await loopbackPort(t.port);
  const connectTo = joinHostPort('127.0.0.1', port);
  const portNote = port === t.port ? '' : ` (port ${t.port} is taken here)`;
  return {
    listen: connectTo,
    redirect: {
      connectTo,
      via: '--command',
      note: `${why}: the --command server was told to listen on ${connectTo}${portNote} (CHAINCODE_SERVER_ADDRESS, CORE_CHAINCODE_ADDRESS) and is dialled there, as --resolve ${joinHostPort(t.host, t.port)}:127.0.0.1 would.${kept}`,
    },
  };
}
