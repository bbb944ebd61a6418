import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { DialTarget } from './connect.js';

/**
 * grpc-js hides why a connection failed behind "Failed to connect before the deadline". The probe
 * repeats the dial one stage at a time with node:net and node:tls, using the peer's exact TLS
 * configuration, and classifies the first stage that fails.
 */

export type ProbeStageName = 'resolve' | 'tcp' | 'tls' | 'http2';

export interface ProbeStage {
  readonly name: ProbeStageName;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export type ProbeClass =
  | 'ok'
  | 'bad-address'
  | 'unresolvable'
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'tls-wrong-ca'
  | 'tls-name-mismatch'
  | 'tls-expired'
  | 'tls-client-cert-required'
  | 'tls-client-cert-rejected'
  | 'tls-to-plaintext'
  | 'plaintext-to-tls'
  | 'no-alpn-h2'
  | 'not-http2'
  | 'tls-other';

export interface ProbeReport {
  readonly classification: ProbeClass;
  readonly stages: readonly ProbeStage[];
  /** A sentence naming the cause, for a person. */
  readonly explanation: string;
  readonly remedy: string;
}

export function splitAddress(address: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) return null;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { host: m[1] as string, port };
}

const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

function timed<T>(ms: number, f: (done: (v: T) => void) => () => void, onTimeout: () => T): Promise<T> {
  return new Promise((resolve) => {
    let settled = false;
    let cleanup: () => void = () => undefined;
    const done = (v: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve(v);
    };
    const timer = setTimeout(() => done(onTimeout()), Math.max(0, ms));
    cleanup = f(done);
  });
}

/** Reads the server's first HTTP/2 frame after sending the client preface; classifies what came back. */
interface Http2StageResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly error?: string;
}

function http2Stage(sock: Socket | TLSSocket, ms: number): Promise<Http2StageResult> {
  return timed<Http2StageResult>(
    ms,
    (done) => {
      let buf = Buffer.alloc(0);
      const onData = (d: Buffer): void => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 9) {
          const type = buf[3];
          if (type === 4) done({ ok: true, detail: 'server sent HTTP/2 SETTINGS' });
          else if (buf.subarray(0, 5).toString('latin1') === 'HTTP/') done({ ok: false, detail: `server answered HTTP/1.x: ${buf.toString('latin1').split('\r\n')[0]}`, error: 'http1' });
          else done({ ok: false, detail: `server's first bytes are not an HTTP/2 SETTINGS frame (${buf.subarray(0, 9).toString('hex')})`, error: 'not-h2' });
        }
      };
      const onError = (e: Error): void => done({ ok: false, detail: e.message, error: e.message });
      const onClose = (): void => done({ ok: false, detail: 'server closed the connection after the HTTP/2 preface', error: 'closed' });
      sock.on('data', onData);
      sock.on('error', onError);
      sock.on('close', onClose);
      sock.write(H2_PREFACE);
      return () => {
        sock.off('data', onData);
        sock.off('error', onError);
        sock.off('close', onClose);
      };
    },
    () => ({ ok: false, detail: `no HTTP/2 SETTINGS from the server within ${ms} ms`, error: 'timeout' }),
  );
}

function classifyTlsError(msg: string, target: DialTarget): { c: ProbeClass; explanation: string; remedy: string } {
  if (/certificate required|alert number 116/i.test(msg)) {
    return {
      c: 'tls-client-cert-required',
      explanation: target.tls?.client ? `the server rejected the handshake asking for a client certificate (${msg})` : `the server requires a client certificate (mutual TLS), but connection.json has client_auth_required false, so the peer presents none (${msg})`,
      remedy: 'Set "client_auth_required": true with client_cert and client_key (PEM) in connection.json, issued by a CA the server trusts; or turn off client authentication on the server.',
    };
  }
  if (/unknown ca|bad certificate|alert number 4[28]|decrypt error|certificate unknown|alert number 46/i.test(msg)) {
    return { c: 'tls-client-cert-rejected', explanation: `the server rejected the peer's client certificate (${msg})`, remedy: 'Issue client_cert from the CA the chaincode server trusts for client authentication.' };
  }
  if (/ERR_TLS_CERT_ALTNAME_INVALID|altnames|does not match certificate/i.test(msg)) {
    return { c: 'tls-name-mismatch', explanation: `the server certificate does not cover the name the peer dials (${msg})`, remedy: 'Add the host of `address` to the server certificate\'s subjectAltName (with client auth, `domain` may name it instead).' };
  }
  if (/expired|not yet valid/i.test(msg)) {
    return { c: 'tls-expired', explanation: `the server certificate is outside its validity period (${msg})`, remedy: 'Renew the chaincode server certificate.' };
  }
  if (/unable to verify|self.signed|unable to get (local )?issuer|certificate chain/i.test(msg)) {
    return { c: 'tls-wrong-ca', explanation: `the server certificate does not chain to root_cert in connection.json (${msg})`, remedy: 'Put the CA that issued the chaincode server\'s certificate in root_cert (PEM).' };
  }
  if (/wrong version number|packet length too long|unexpected eof|ECONNRESET|socket hang up|disconnected before secure/i.test(msg)) {
    return { c: 'tls-to-plaintext', explanation: `connection.json says tls_required true, but the server does not speak TLS (${msg})`, remedy: 'Start the server with TLS (key and certificate), or set "tls_required": false.' };
  }
  if (/no application protocol|alpn/i.test(msg)) {
    return { c: 'no-alpn-h2', explanation: `the server does not negotiate ALPN h2, which grpc-go clients require (${msg})`, remedy: 'Serve gRPC over TLS with ALPN h2 (any gRPC server library does).' };
  }
  return { c: 'tls-other', explanation: `the TLS handshake failed: ${msg}`, remedy: 'Check the certificates and TLS settings on both sides.' };
}

/** Runs the stages in order and stops at the first failure. `budgetMs` bounds each network stage. */
export async function probe(target: DialTarget, budgetMs: number): Promise<ProbeReport> {
  const stages: ProbeStage[] = [];
  const addr = splitAddress(target.address);
  if (!addr) {
    return { classification: 'bad-address', stages, explanation: `address '${target.address}' is not host:port`, remedy: 'Write "address": "<host>:<port>".' };
  }
  let t = performance.now();
  let ip = addr.host;
  if (!isIP(addr.host)) {
    try {
      ip = (await lookup(addr.host)).address;
      stages.push({ name: 'resolve', ok: true, ms: Math.round(performance.now() - t), detail: `${addr.host} → ${ip}` });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      stages.push({ name: 'resolve', ok: false, ms: Math.round(performance.now() - t), detail: msg });
      return { classification: 'unresolvable', stages, explanation: `the host ${addr.host} does not resolve (${msg})`, remedy: 'Use a host name the peer can resolve (a Kubernetes Service name, a Docker network alias), or an IP address.' };
    }
  }
  t = performance.now();
  const tcp = await timed<{ sock: Socket | null; err: string | null }>(
    budgetMs,
    (done) => {
      const s = netConnect({ host: ip, port: addr.port });
      s.once('connect', () => done({ sock: s, err: null }));
      s.once('error', (e) => done({ sock: null, err: e.message }));
      return () => undefined;
    },
    () => ({ sock: null, err: null }),
  );
  const tcpMs = Math.round(performance.now() - t);
  if (!tcp.sock) {
    stages.push({ name: 'tcp', ok: false, ms: tcpMs, detail: tcp.err ?? `no TCP connection within ${budgetMs} ms` });
    if (tcp.err && /ECONNREFUSED/.test(tcp.err)) {
      return { classification: 'refused', stages, explanation: `nothing listens on ${target.address} (${tcp.err})`, remedy: 'Start the chaincode server, and bind it to an address the peer can reach (0.0.0.0, not 127.0.0.1, inside a container).' };
    }
    return { classification: 'timeout', stages, explanation: `no TCP connection to ${target.address} within ${budgetMs} ms`, remedy: 'Check firewalls, network policies and that the host is the chaincode server.' };
  }
  stages.push({ name: 'tcp', ok: true, ms: tcpMs, detail: `connected to ${ip}:${addr.port}` });
  const sock = tcp.sock;
  try {
    if (!target.tls) {
      t = performance.now();
      const h2 = await http2Stage(sock, budgetMs);
      stages.push({ name: 'http2', ok: h2.ok, ms: Math.round(performance.now() - t), detail: h2.detail });
      if (h2.ok) return { classification: 'ok', stages, explanation: 'the server speaks plaintext HTTP/2', remedy: '' };
      if (h2.error === 'http1') return { classification: 'not-http2', stages, explanation: `the server speaks HTTP/1.x, not gRPC (${h2.detail})`, remedy: 'Point address at the chaincode server\'s gRPC port.' };
      if (h2.error === 'timeout') return { classification: 'timeout', stages, explanation: `the server accepted the connection but never answered the HTTP/2 preface within ${budgetMs} ms`, remedy: 'Check that address points at a gRPC server that is not stuck.' };
      return { classification: 'plaintext-to-tls', stages, explanation: `connection.json says tls_required false (or absent), but the server does not answer plaintext HTTP/2 (${h2.detail}); it probably speaks TLS`, remedy: 'Set "tls_required": true with root_cert in connection.json, or start the server without TLS.' };
    }
    t = performance.now();
    const client = target.tls.client;
    const servername = client?.serverNameOverride || (isIP(addr.host) ? undefined : addr.host);
    const tlsRes = await timed<{ sock: TLSSocket | null; err: string | null }>(
      budgetMs,
      (done) => {
        const s = tlsConnect({
          socket: sock,
          ca: target.tls?.rootCert,
          ...(client ? { cert: client.cert, key: client.key } : {}),
          ...(servername ? { servername } : {}),
          minVersion: 'TLSv1.2',
          ALPNProtocols: ['h2'],
          checkServerIdentity: (host, cert) => checkServerIdentity(servername ?? addr.host ?? host, cert),
        });
        s.once('secureConnect', () => done({ sock: s, err: null }));
        s.once('error', (e) => done({ sock: null, err: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim() }));
        return () => undefined;
      },
      () => ({ sock: null, err: null }),
    );
    const tlsMs = Math.round(performance.now() - t);
    if (!tlsRes.sock) {
      stages.push({ name: 'tls', ok: false, ms: tlsMs, detail: tlsRes.err ?? `no TLS handshake within ${budgetMs} ms` });
      if (!tlsRes.err) return { classification: 'timeout', stages, explanation: `the server accepted TCP but did not complete a TLS handshake within ${budgetMs} ms`, remedy: 'Check that the server speaks TLS on that port and is not stuck.' };
      const k = classifyTlsError(tlsRes.err, target);
      return { classification: k.c, stages, explanation: k.explanation, remedy: k.remedy };
    }
    const alpn = tlsRes.sock.alpnProtocol;
    stages.push({ name: 'tls', ok: true, ms: tlsMs, detail: `${tlsRes.sock.getProtocol() ?? 'TLS'}, ALPN ${alpn || 'none'}` });
    if (alpn !== 'h2') {
      return { classification: 'no-alpn-h2', stages, explanation: 'the server completed TLS without negotiating ALPN h2; grpc-go (the peer) rejects such servers', remedy: 'Serve gRPC with ALPN h2 (gRPC server libraries do this; a TLS-terminating proxy may not).' };
    }
    t = performance.now();
    const h2 = await http2Stage(tlsRes.sock, budgetMs);
    stages.push({ name: 'http2', ok: h2.ok, ms: Math.round(performance.now() - t), detail: h2.detail });
    tlsRes.sock.destroy();
    if (h2.ok) return { classification: 'ok', stages, explanation: 'the server completed TLS and HTTP/2', remedy: '' };
    if (h2.error && h2.error !== 'timeout' && h2.error !== 'closed' && h2.error !== 'not-h2' && h2.error !== 'http1') {
      const k = classifyTlsError(h2.error, target);
      return { classification: k.c, stages, explanation: k.explanation, remedy: k.remedy };
    }
    return { classification: 'not-http2', stages, explanation: `the server completed TLS but did not answer HTTP/2 (${h2.detail})`, remedy: 'Point address at the chaincode server\'s gRPC port.' };
  } finally {
    sock.destroy();
  }
}
