import { isIP } from 'node:net';
import { parseTarget, splitHostPort } from './target.js';

/**
 * Where the harness's TCP connections go when that is not where the peer's would: `--address`,
 * `--resolve HOST:PORT:ADDR` (curl's meaning), or a `--command` server the harness had to start on
 * a loopback address because connection.json names a host this machine cannot bind (a Docker or
 * Kubernetes service name). Only the TCP endpoint changes: the gRPC target and :authority, the
 * TLS server name the peer verifies and every error text quoted as the peer's stay those of
 * connection.json's `address`. Pure: parsing and matching only.
 */

/** One `--resolve HOST:PORT:ADDR`: connections to HOST:PORT go to ADDR:PORT. */
export interface ResolveEntry {
  readonly host: string;
  readonly port: number;
  readonly addr: string;
}

export interface Redirect {
  /** host:port the harness connects to, in place of the address's own host. */
  readonly connectTo: string;
  readonly via: '--address' | '--resolve' | '--command';
  /** One sentence for every report: what was redirected and why. */
  readonly note: string;
}

/** host:port with IPv6 hosts in brackets, as Go's net.JoinHostPort writes it. */
export function joinHostPort(host: string, port: number | string): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function unbracket(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
}

/**
 * `--resolve HOST:PORT:ADDR` as curl reads it (one address; IPv6 in brackets). curl's `+HOST`,
 * `-HOST`, `*` wildcards and address lists are refused with a clear error rather than half-supported.
 */
export function parseResolve(spec: string): ResolveEntry | { readonly error: string } {
  const bad = (why: string): { error: string } => ({ error: `--resolve ${JSON.stringify(spec)}: ${why}; write HOST:PORT:ADDR, e.g. asset-transfer-basic.org1.example.com:9999:127.0.0.1` });
  if (/^[+-]/.test(spec)) return bad('the + and - prefixes of curl are not supported');
  const m = /^(\[[^\]]*\]|[^:[\]]*):(\d+):(\[[^\]]*\]|[^,]*)$/.exec(spec);
  if (!m) return bad(spec.includes(',') ? 'one address only' : 'not HOST:PORT:ADDR');
  const host = unbracket(m[1] as string);
  const port = Number(m[2]);
  const addr = unbracket(m[3] as string);
  if (host === '' || host === '*') return bad('HOST must be the host name of connection.json\'s address');
  if (!(port >= 1 && port <= 65535)) return bad(`port ${m[2] ?? ''} is out of range`);
  if (addr === '') return bad('ADDR is empty');
  if (addr.includes(':') && isIP(addr) !== 6) return bad(`ADDR ${addr} is not an address`);
  return { host, port, addr };
}

/** The --resolve entry for an address (host compared without case, as DNS does), if any. */
export function resolveFor(address: string, entries: readonly ResolveEntry[]): ResolveEntry | null {
  const t = parseTarget(address);
  if (t.kind !== 'tcp') return null;
  const host = t.host.toLowerCase().replace(/\.$/, '');
  return entries.find((e) => e.port === t.port && e.host.toLowerCase().replace(/\.$/, '') === host) ?? null;
}

/** The host and port of a `host:port` the harness connects to (--address or a redirect), or null. */
export function endpointOf(hostport: string): { host: string; port: number } | null {
  const hp = splitHostPort(hostport);
  if ('error' in hp || !/^\d+$/.test(hp.port)) return null;
  const port = Number(hp.port);
  return port >= 1 && port <= 65535 ? { host: hp.host === '' ? '127.0.0.1' : hp.host, port } : null;
}

/** How the peer's own quoted errors name the IP it dials for `host:port`: the IP itself, or a placeholder for a name. */
export function peerDialed(address: string): string {
  const t = parseTarget(address);
  if (t.kind !== 'tcp') return address;
  return isIP(t.host) ? joinHostPort(t.host, t.port) : `<IP of ${t.host}>:${t.port}`;
}
