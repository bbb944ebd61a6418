import { lookup } from 'node:dns/promises';
import { connect as h2connect, constants as h2c, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Json } from '../findings.js';
import { sanRemedy } from '../connection/certlint.js';
import { certInfo, type CertInfo } from '../pki/certinfo.js';
import type { DialTarget } from './connect.js';
import { afterTimeout, grpcStatusError, immediate, notGrpcStreamError, onStream, readerClosedError, tlsLog, transportLog, type PeerView } from './grpcgo.js';
import { ERR_NO_ALPN, GO_CLIENT_CIPHERS, goVerifyServer, peerTlsConfig, verifiedName, type PeerTlsConfig } from './gotls.js';
import { endpointOf, joinHostPort, peerDialed } from './redirect.js';
import { parseTarget } from './target.js';

/**
 * The staged probe: grpc-js hides why a connection failed behind "Failed to connect before the
 * deadline", so the probe repeats the peer's dial one stage at a time (name resolution, TCP, TLS
 * with the peer's exact configuration and Go's verification rules, HTTP/2, then
 * /protos.Chaincode/Connect), times each stage, stops at the first that fails and classifies it.
 * When a handshake fails in a way that suggests the other transport mode, it tries that mode to
 * say "the server speaks TLS but the package says tls_required: false" (or the reverse).
 * The whole probe is bounded by `budgetMs`; every stage gets what is left of it.
 */

export type ProbeStageName = 'resolve' | 'tcp' | 'tls' | 'http2' | 'connect' | 'other-mode';

export interface ProbeStage {
  readonly name: ProbeStageName;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

export type ProbeClass =
  | 'ok'
  | 'tls-config'
  | 'bad-address'
  | 'unresolvable'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'dropped'
  | 'tls-wrong-ca'
  | 'tls-name-mismatch'
  | 'tls-expired'
  | 'tls-bad-usage'
  | 'tls-client-cert-required'
  | 'tls-client-cert-rejected'
  | 'tls-to-plaintext'
  | 'plaintext-to-tls'
  | 'no-alpn-h2'
  | 'http1'
  | 'not-http2'
  | 'not-grpc'
  | 'no-chaincode-service'
  | 'connect-refused'
  | 'tls-other';

/** The facts of a certificate the server presented, for findings (no key material). */
export interface CertSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly extKeyUsage: readonly string[] | null;
  readonly key: string;
  readonly signatureAlgorithm: string;
}

export interface ProbeReport {
  readonly classification: ProbeClass;
  readonly stages: readonly ProbeStage[];
  /** A sentence naming the cause, for a person. */
  readonly explanation: string;
  readonly remedy: string;
  /** What the real peer would report, when the classification is a failure. */
  readonly peer: PeerView | null;
  /** The name the peer verifies the server certificate against (TLS only). */
  readonly verifiedName: string | null;
  /** The server's certificate chain as presented (TLS, or found by the other-mode check). */
  readonly serverCertificates: readonly CertSummary[];
  /** The same certificates, parsed (for the certificate lint; not for reports). */
  readonly chain: readonly CertInfo[];
  readonly totalMs: number;
}

export interface ProbeOptions {
  /** Open /protos.Chaincode/Connect after HTTP/2 (default true). */
  readonly connect?: boolean;
  /** The clock for certificate validity (tests). */
  readonly now?: Date;
}

export function summarize(c: CertInfo): CertSummary {
  return {
    subject: c.subject,
    issuer: c.issuer,
    dnsNames: c.dnsNames,
    ipAddresses: c.ipAddresses,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    extKeyUsage: c.extKeyUsage,
    key: c.key,
    signatureAlgorithm: c.signatureAlgorithm,
  };
}

export function summaryJson(c: CertSummary): Json {
  return { ...c, dnsNames: [...c.dnsNames], ipAddresses: [...c.ipAddresses], extKeyUsage: c.extKeyUsage ? [...c.extKeyUsage] : null };
}

type Conn = Socket | TLSSocket;

/**
 * Resolves with the first value `f` produces, or `onTimeout()` after `ms`. The cleanup `f` returns
 * always runs, told whether the wait timed out (what `f` opened and did not hand over must then be
 * closed: a connection left open keeps the process alive). A synchronous throw of `f` (node:http2
 * throws on a session the server has just closed) becomes `onThrow(e)` when given.
 */
export function within<T>(ms: number, f: (done: (v: T) => void) => (timedOut: boolean) => void, onTimeout: () => T, onThrow?: (e: unknown) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    let cleanup: ((timedOut: boolean) => void) | null = null;
    const done = (v: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup?.(timedOut);
      resolve(v);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      done(onTimeout());
    }, Math.max(0, ms));
    try {
      cleanup = f(done);
    } catch (e) {
      clearTimeout(timer);
      settled = true;
      if (onThrow) resolve(onThrow(e));
      else reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (settled) cleanup(timedOut);
  });
}

const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/** What a connection showed of itself: first bytes from the server, and how it ended. */
interface Observed {
  first: Buffer;
  reset: boolean;
  eof: boolean;
  error: string | null;
}

/** A pass-through Duplex over a socket that records the server's first bytes, for node:http2. */
class Tap extends Duplex {
  readonly seen: Observed = { first: Buffer.alloc(0), reset: false, eof: false, error: null };
  constructor(private readonly inner: Conn) {
    super();
    inner.on('data', (d: Buffer) => {
      if (this.seen.first.length < 64) this.seen.first = Buffer.concat([this.seen.first, d]).subarray(0, 64);
      if (!this.push(d)) inner.pause();
    });
    inner.on('end', () => {
      this.seen.eof = true;
      this.push(null);
    });
    inner.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') this.seen.reset = true;
      this.seen.error = e.message;
      this.destroy(e);
    });
  }
  override _read(): void {
    this.inner.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.inner.write(chunk, cb);
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.inner.end();
    cb();
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.inner.destroy();
    cb(err);
  }
}

function tcpOpen(ep: { host: string; port: number } | { path: string }, ms: number): Promise<{ sock: Socket | null; err: NodeJS.ErrnoException | null }> {
  return within<{ sock: Socket | null; err: NodeJS.ErrnoException | null }>(
    ms,
    (done) => {
      const s = 'path' in ep ? netConnect({ path: ep.path }) : netConnect({ host: ep.host, port: ep.port });
      s.setNoDelay(true);
      let handedOver = false;
      const onErr = (e: NodeJS.ErrnoException): void => done({ sock: null, err: e });
      s.once('connect', () => {
        s.off('error', onErr);
        s.on('error', () => undefined);
        handedOver = true;
        done({ sock: s, err: null });
      });
      s.once('error', onErr);
      // A connection that completes after the deadline would stay open, unowned, for as long as the server keeps it.
      return () => {
        if (!handedOver) {
          s.on('error', () => undefined);
          s.destroy();
        }
      };
    },
    () => ({ sock: null, err: null }),
  );
}

interface TlsOutcome {
  readonly sock: TLSSocket | null;
  readonly timedOut: boolean;
  readonly error: string | null;
  readonly seen: Observed;
}

function tlsOpen(raw: Socket, o: { rootsPem?: string; cert?: string; key?: string; servername?: string }, ms: number): Promise<TlsOutcome> {
  const seen: Observed = { first: Buffer.alloc(0), reset: false, eof: false, error: null };
  raw.on('end', () => (seen.eof = true));
  raw.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNRESET') seen.reset = true;
  });
  return within<TlsOutcome>(
    ms,
    (done) => {
      const s = tlsConnect({
        socket: raw,
        ...(o.rootsPem ? { ca: o.rootsPem } : {}),
        ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
        ...(o.servername ? { servername: o.servername } : {}),
        minVersion: 'TLSv1.2',
        ciphers: GO_CLIENT_CIPHERS,
        ALPNProtocols: ['h2'],
        // Go's rules decide (gotls.ts); Node's verdict would differ on Common Names, key usage bits...
        rejectUnauthorized: false,
      });
      let handedOver = false;
      s.on('error', () => undefined);
      s.once('secureConnect', () => {
        handedOver = true;
        done({ sock: s, timedOut: false, error: null, seen });
      });
      s.once('error', (e: NodeJS.ErrnoException) => done({ sock: null, timedOut: false, error: `${e.code ?? ''} ${e.message}`.trim(), seen }));
      // Not handed over: the TLS socket goes now, before the caller destroys the raw socket under
      // it (outermost first: a raw socket destroyed under a live TLSSocket crashes Node 20).
      return () => {
        if (!handedOver) s.destroy();
      };
    },
    () => ({ sock: null, timedOut: true, error: null, seen }),
  );
}

/** The chain the server presented, leaf first (what Node exposes of it). */
function presentedChain(s: TLSSocket): CertInfo[] {
  const out: CertInfo[] = [];
  let c = s.getPeerCertificate(true) as (ReturnType<TLSSocket['getPeerCertificate']> & { issuerCertificate?: unknown; raw?: Buffer }) | null;
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.raw.toString('base64'))) {
    seen.add(c.raw.toString('base64'));
    try {
      out.push(certInfo(c.raw));
    } catch {
      break;
    }
    c = (c.issuerCertificate ?? null) as typeof c;
  }
  return out;
}

const ALERT = /alert number (\d+)/i;
const GO_ALERTS: Readonly<Record<number, string>> = {
  10: 'unexpected message', 40: 'handshake failure', 42: 'bad certificate', 43: 'unsupported certificate', 44: 'revoked certificate',
  45: 'expired certificate', 46: 'unknown certificate', 47: 'illegal parameter', 48: 'unknown certificate authority', 49: 'access denied',
  50: 'error decoding message', 51: 'error decrypting message', 70: 'protocol version not supported', 71: 'insufficient security level',
  80: 'internal error', 109: 'missing extension', 112: 'unrecognized name', 116: 'certificate required', 120: 'no application protocol',
};

function alertOf(msg: string): number | null {
  const m = ALERT.exec(msg);
  if (m) return Number(m[1]);
  if (/certificate required/i.test(msg)) return 116;
  if (/unknown ca/i.test(msg)) return 48;
  if (/bad certificate/i.test(msg)) return 42;
  if (/certificate unknown/i.test(msg)) return 46;
  if (/certificate expired/i.test(msg)) return 45;
  if (/decrypt error/i.test(msg)) return 51;
  if (/handshake failure/i.test(msg)) return 40;
  return null;
}

/** Sends the HTTP/2 preface on a fresh plaintext connection and says what answered. */
async function plaintextAnswer(ep: { host: string; port: number } | { path: string }, ms: number): Promise<{ kind: 'h2' | 'http1' | 'tls-alert' | 'none' | 'other'; detail: string }> {
  const t = await tcpOpen(ep, ms);
  if (!t.sock) return { kind: 'none', detail: t.err?.message ?? 'no TCP connection' };
  const s = t.sock;
  try {
    return await within<{ kind: 'h2' | 'http1' | 'tls-alert' | 'none' | 'other'; detail: string }>(
      ms,
      (done) => {
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          if (buf.length < 5) return;
          if (buf.subarray(0, 5).toString('latin1') === 'HTTP/') done({ kind: 'http1', detail: buf.toString('latin1').split('\r\n')[0] ?? '' });
          else if (buf[0] === 0x15 || buf[0] === 0x16) done({ kind: 'tls-alert', detail: `TLS record type ${buf[0]}` });
          else if (buf.length >= 9 && buf[3] === 4) done({ kind: 'h2', detail: 'HTTP/2 SETTINGS' });
          else if (buf.length >= 9) done({ kind: 'other', detail: buf.subarray(0, 16).toString('hex') });
        });
        s.on('end', () => done({ kind: 'none', detail: 'closed without answering' }));
        s.on('close', () => done({ kind: 'none', detail: 'closed without answering' }));
        s.write(H2_PREFACE);
        return () => undefined;
      },
      () => ({ kind: 'none', detail: `no answer within ${ms} ms` }),
    );
  } finally {
    s.destroy();
  }
}

/** Completes a TLS handshake on a fresh connection, accepting any certificate, to see whether the server speaks TLS. */
async function tlsAnswer(ep: { host: string; port: number } | { path: string }, servername: string | undefined, ms: number): Promise<{ ok: boolean; detail: string; certs: CertInfo[] }> {
  const t = await tcpOpen(ep, ms);
  if (!t.sock) return { ok: false, detail: t.err?.message ?? 'no TCP connection', certs: [] };
  const r = await tlsOpen(t.sock, { ...(servername ? { servername } : {}) }, ms);
  try {
    if (!r.sock) return { ok: false, detail: r.error ?? 'no TLS handshake', certs: [] };
    return { ok: true, detail: `${r.sock.getProtocol() ?? 'TLS'}, ALPN ${r.sock.alpnProtocol || 'none'}`, certs: presentedChain(r.sock) };
  } finally {
    r.sock?.destroy();
    t.sock.destroy();
  }
}

/** A TLS handshake with the peer's configuration that writes nothing and waits for the server's alert. */
async function tlsAlert(ep: { host: string; port: number } | { path: string }, cfg: PeerTlsConfig, ms: number, servername?: string): Promise<string | null> {
  const t = await tcpOpen(ep, ms);
  if (!t.sock) return null;
  const r = await tlsOpen(t.sock, { rootsPem: cfg.rootsPem, ...(cfg.client ? { cert: cfg.client.chainPem, key: cfg.client.keyPem } : {}), ...(servername ? { servername } : {}) }, ms);
  try {
    if (!r.sock) return r.error;
    const s = r.sock;
    return await within<string | null>(
      ms,
      (done) => {
        s.on('error', (e: NodeJS.ErrnoException) => done(`${e.code ?? ''} ${e.message}`.trim()));
        s.on('close', () => done(null));
        s.on('data', () => done(null));
        return () => undefined;
      },
      () => null,
    );
  } finally {
    r.sock?.destroy();
    t.sock.destroy();
  }
}

function remedyForBind(address: string): string {
  return `Start the chaincode server before the peer dials, listening on the port of ${address}; inside a container bind 0.0.0.0 (not 127.0.0.1) and make the host name resolve to it from the peer.`;
}

/** How the server's side ended while /protos.Chaincode/Connect waited for its first answer. */
export interface StreamEnd {
  /** The server closed the connection (end of stream on the socket). */
  readonly eof: boolean;
  /** The server reset the connection. */
  readonly reset: boolean;
  /** The server sent GOAWAY. */
  readonly goaway: boolean;
  /** node:http2's error for the stream or the session, if it gave one. */
  readonly error: string | null;
}

/**
 * What the peer says of a Connect stream the server ended without an answer (no HTTP status).
 * The peer's blocking dial succeeds once the server's SETTINGS arrive, Connect opens the stream,
 * and the first Recv fails with the transport's reader error. A server that closes right after its
 * SETTINGS gave `error reading from server: EOF` on the real peer (settled); a reset or a GOAWAY
 * is composed from grpc-go's format (inferred).
 */
export function unansweredStream(end: StreamEnd): { readonly explanation: string; readonly peer: PeerView } {
  if (end.goaway) {
    return { explanation: `the server sent GOAWAY before answering /protos.Chaincode/Connect${end.error ? ` (${end.error})` : ''}`, peer: onStream(`rpc error: code = Unavailable desc = ${end.error ?? 'closed'}`, 'inferred') };
  }
  if (end.reset) {
    return { explanation: 'the server completed HTTP/2, then reset the connection before answering /protos.Chaincode/Connect', peer: onStream(readerClosedError('read tcp <peer>-><server>: read: connection reset by peer'), 'inferred') };
  }
  if (end.eof) {
    return { explanation: 'the server completed HTTP/2 (its SETTINGS), then closed the connection without answering /protos.Chaincode/Connect', peer: onStream(readerClosedError('EOF'), 'settled') };
  }
  return { explanation: `the stream failed: ${end.error ?? 'no response'}`, peer: onStream(`rpc error: code = Unavailable desc = ${end.error ?? 'closed'}`, 'inferred') };
}

/** Runs the stages in order and stops at the first failure. */
export async function probe(target: DialTarget, budgetMs: number, opts: ProbeOptions = {}): Promise<ProbeReport> {
  const started = performance.now();
  const deadline = started + Math.max(0, budgetMs);
  const left = (): number => Math.max(0, Math.round(deadline - performance.now()));
  const now = opts.now ?? new Date();
  const stages: ProbeStage[] = [];
  let serverCerts: CertInfo[] = [];
  let name: string | null = null;
  const report = (classification: ProbeClass, explanation: string, remedy: string, peer: PeerView | null): ProbeReport => ({
    classification,
    stages,
    explanation,
    remedy,
    peer,
    verifiedName: name,
    serverCertificates: serverCerts.map(summarize),
    chain: serverCerts,
    totalMs: Math.round(performance.now() - started),
  });
  const stage = (n: ProbeStageName, ok: boolean, t0: number, detail: string): void => {
    stages.push({ name: n, ok, ms: Math.round(performance.now() - t0), detail });
  };

  // The TLS configuration is built before any I/O; its errors come back unwrapped (CONN-08, DIAL-03).
  let cfg: PeerTlsConfig | null = null;
  if (target.tls) {
    const c = peerTlsConfig(target.tls);
    if (!c.ok) {
      return report('tls-config', `the peer cannot build its TLS client configuration from connection.json: ${c.error}`,
        c.error === 'error adding root certificate' ? 'Put the PEM text of the CA that issued the server certificate in root_cert (with \\n escapes in JSON), not base64 and not a file path.' : 'Put the PEM client certificate (chain) and its matching PEM private key in client_cert and client_key.',
        { dialError: c.error, streamError: null, log: null, logger: null, when: 'immediately', certainty: 'settled' });
    }
    cfg = c.config;
  }

  // Resolution, as grpc-go's target parsing and Go's net.Dial would do it.
  const parsed = parseTarget(target.address);
  if (parsed.kind === 'invalid') {
    stages.push({ name: 'resolve', ok: false, ms: 0, detail: `dial tcp: ${parsed.goError}` });
    return report('bad-address', `address ${JSON.stringify(target.address)} is not a target Go can dial: dial tcp: ${parsed.goError}`,
      'Write "address": "<host>:<port>" (a host name or IP address, and a port), with no scheme such as http://.',
      parsed.resolver === 'passthrough' ? immediate(`transport: error while dialing: dial tcp: ${parsed.goError}`) : afterTimeout(null, null, 'inferred'));
  }
  let t0 = performance.now();
  let ep: { host: string; port: number } | { path: string };
  /** The endpoint the harness connects to, for the harness's own sentences. */
  let shown: string;
  /** The same endpoint as the peer's quoted errors name it (the peer dials connection.json's host, not a redirect). */
  let peerShown: string;
  const redirected = target.connectTo ? endpointOf(target.connectTo) : null;
  if (parsed.kind === 'unix') {
    ep = { path: parsed.path };
    shown = `unix ${parsed.path}`;
    peerShown = parsed.path;
    stage('resolve', true, t0, `unix socket ${parsed.path}`);
  } else {
    const host = redirected ? redirected.host : parsed.host === '' ? '127.0.0.1' : parsed.host;
    const port = redirected ? redirected.port : parsed.port;
    let ip = host;
    if (!isIP(host)) {
      const r = await within<{ ip: string | null; err: string | null }>(
        left(),
        (done) => {
          lookup(host).then((a) => done({ ip: a.address, err: null }), (e: unknown) => done({ ip: null, err: e instanceof Error ? e.message : String(e) }));
          return () => undefined;
        },
        () => ({ ip: null, err: null }),
      );
      if (!r.ip) {
        stage('resolve', false, t0, r.err ?? `no answer within ${budgetMs} ms`);
        if (redirected) {
          return report('unresolvable', `${host}, where the harness was told to connect (${target.connectTo ?? ''}) in place of ${target.address}, does not resolve on this machine (${r.err ?? 'resolver timed out'}); this says nothing of the peer`,
            'Give --address or --resolve an address this machine can reach.', afterTimeout(null, null, 'inferred'));
        }
        return report('unresolvable', `the host ${host} does not resolve (${r.err ?? 'resolver timed out'})`,
          `Use a host name the peer can resolve (a Kubernetes Service, a Docker network alias, an /etc/hosts entry on the peer), or an IP address. To judge a server that runs on this machine under that name, add --resolve ${joinHostPort(host, port)}:127.0.0.1 (or start it with --command, which does this for you).`,
          parsed.resolver === 'passthrough' ? immediate(`transport: error while dialing: dial tcp: lookup ${host} on <the peer's DNS server>: no such host`) : afterTimeout(null, null, 'inferred'));
      }
      ip = r.ip;
      stage('resolve', true, t0, redirected ? `${target.address} → ${host} → ${ip} (${target.connectTo ?? ''}, the harness's redirect)` : `${host} → ${ip}`);
    } else {
      stage('resolve', true, t0, redirected ? `${target.address} → ${ip} (the harness's redirect)` : `${host} is an IP address`);
    }
    ep = { host: ip, port };
    shown = joinHostPort(ip, port);
    peerShown = redirected ? peerDialed(target.address) : shown;
  }

  // TCP.
  t0 = performance.now();
  const tcp = await tcpOpen(ep, left());
  if (!tcp.sock) {
    const code = tcp.err?.code ?? '';
    stage('tcp', false, t0, tcp.err ? `${code} ${tcp.err.message}`.trim() : `no TCP connection within ${budgetMs} ms`);
    if (code === 'ECONNREFUSED') {
      return report('refused', `nothing listens on ${target.address} (connection refused at ${shown}${redirected ? `, where the harness connects in place of ${target.address}` : ''})`, remedyForBind(target.address),
        immediate(`transport: error while dialing: dial ${'path' in ep ? 'unix' : 'tcp'} ${peerShown}: connect: connection refused`));
    }
    if (code === 'ENOENT' && 'path' in ep) {
      return report('refused', `no unix socket at ${ep.path}`, 'Start the server on that socket path, or use host:port.', immediate(`transport: error while dialing: dial unix ${peerShown}: connect: no such file or directory`));
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return report('unreachable', `${shown} is unreachable (${code})`, 'Check routing and network policies between the peer and the chaincode server.',
        immediate(`transport: error while dialing: dial tcp ${peerShown}: connect: ${code === 'EHOSTUNREACH' ? 'no route to host' : 'network is unreachable'}`, 'inferred'));
    }
    if (tcp.err) return report('unreachable', `TCP connect to ${shown} failed: ${tcp.err.message}`, 'Check the address and the network path.', afterTimeout(null, null, 'inferred'));
    return report('timeout', `no TCP connection to ${shown} within ${budgetMs} ms (packets dropped?)`, 'Check firewalls and network policies between the peer and the chaincode server.', afterTimeout(null, null));
  }
  stage('tcp', true, t0, `connected to ${shown}`);
  const sock = tcp.sock;
  let conn: Conn = sock;
  const toClose: Conn[] = [sock];
  const authority = parsed.kind === 'unix' ? 'localhost' : parsed.authorityHost;
  try {
    // TLS, with the peer's configuration: root_cert only, client pair only with client auth, Go's checks.
    if (cfg) {
      name = verifiedName(cfg.serverNameOverride, authority);
      t0 = performance.now();
      const servername = isIP(name.replace(/^\[|\]$/g, '')) ? undefined : name;
      const r = await tlsOpen(sock, { rootsPem: cfg.rootsPem, ...(cfg.client ? { cert: cfg.client.chainPem, key: cfg.client.keyPem } : {}), ...(servername ? { servername } : {}) }, left());
      if (!r.sock) {
        const detail = r.timedOut ? `no TLS handshake within ${budgetMs} ms` : (r.error ?? 'TLS failed');
        stage('tls', false, t0, detail);
        if (r.timedOut) {
          return report('timeout', `the server accepted TCP on ${shown} but never answered the TLS ClientHello within ${budgetMs} ms`, 'Check that address points at the chaincode server and that it is not stuck.', afterTimeout(null, null));
        }
        return classifyTlsFailure(r, ep, Math.min(left(), 1_000));
      }
      toClose.push(r.sock);
      serverCerts = presentedChain(r.sock);
      const verdict = goVerifyServer(serverCerts, cfg.roots, name, now);
      const alpn = r.sock.alpnProtocol;
      stage('tls', verdict.failure === null && alpn === 'h2', t0, `${r.sock.getProtocol() ?? 'TLS'}, ${r.sock.getCipher().name}, ALPN ${alpn || 'none'}${verdict.goError ? `; ${verdict.goError}` : ''}`);
      if (verdict.failure && verdict.goError) return tlsVerifyReport(verdict.failure, verdict.goError, serverCerts, name, cfg);
      if (alpn !== 'h2') {
        return report('no-alpn-h2', `the server completed TLS without selecting ALPN h2; the peer's grpc-go (>= 1.67) rejects it: ${ERR_NO_ALPN.split('.')[0]}`,
          'Serve gRPC over TLS with ALPN h2: every gRPC server library does; a TLS-terminating proxy in front of the server must advertise h2.', afterTimeout(tlsLog(ERR_NO_ALPN), 'comm.tls'));
      }
      conn = r.sock;
    }

    // HTTP/2: the client preface, and the server's SETTINGS.
    t0 = performance.now();
    const tap = new Tap(conn);
    let session: ClientHttp2Session | null = null;
    const h2 = await within<{ ok: boolean; why: string }>(
      left(),
      (done) => {
        tap.on('error', () => undefined);
        session = h2connect(`http://${authority}`, { createConnection: () => tap, settings: { enablePush: false } });
        session.on('error', () => undefined);
        session.once('remoteSettings', () => done({ ok: true, why: 'SETTINGS received' }));
        session.once('error', (e: Error) => done({ ok: false, why: e.message }));
        session.once('close', () => done({ ok: false, why: 'closed' }));
        session.once('goaway', (code: number) => done({ ok: false, why: `GOAWAY ${code}` }));
        return () => undefined;
      },
      () => ({ ok: false, why: 'timeout' }),
      (e) => ({ ok: false, why: e instanceof Error ? e.message : String(e) }),
    );
    const seen = tap.seen;
    if (!h2.ok) {
      const s = session as ClientHttp2Session | null;
      s?.destroy();
      stage('http2', false, t0, h2.why === 'timeout' ? `no HTTP/2 SETTINGS within ${budgetMs} ms` : `${h2.why}${seen.first.length ? `; first bytes ${JSON.stringify(seen.first.toString('latin1').slice(0, 40))}` : ''}`);
      return classifyH2Failure(h2.why, seen, ep, Math.min(left(), 1_000));
    }
    stage('http2', true, t0, 'server SETTINGS received');
    const s = session as unknown as ClientHttp2Session;
    try {
      if (opts.connect === false) return report('ok', `the server completed ${cfg ? 'TLS and ' : ''}HTTP/2`, '', null);
      // /protos.Chaincode/Connect, as the peer opens it: no deadline, no metadata.
      t0 = performance.now();
      let goaway = false;
      s.on('goaway', () => (goaway = true));
      const c = await within<{ status: number | null; type: string | null; grpcStatus: number | null; grpcMessage: string; body: string; error: string | null }>(
        left(),
        (done) => {
          const req = s.request({ ':method': 'POST', ':path': '/protos.Chaincode/Connect', ':scheme': cfg ? 'https' : 'http', 'content-type': 'application/grpc', te: 'trailers' }, { endStream: false });
          let status: number | null = null;
          let type: string | null = null;
          let body = '';
          req.on('error', (e: Error) => done({ status, type, grpcStatus: null, grpcMessage: '', body, error: e.message }));
          req.on('response', (hd) => {
            status = Number(hd[':status']);
            type = typeof hd['content-type'] === 'string' ? hd['content-type'] : null;
            const gs = hd['grpc-status'];
            if (status === 200 && type?.startsWith('application/grpc')) {
              done({ status, type, grpcStatus: gs === undefined ? null : Number(gs), grpcMessage: decodeURIComponent(String(hd['grpc-message'] ?? '')), body, error: null });
            }
          });
          req.on('data', (d: Buffer) => {
            if (body.length < 1024) body += d.toString('latin1');
          });
          req.on('end', () => done({ status, type, grpcStatus: null, grpcMessage: '', body, error: null }));
          req.on('trailers', (tr) => {
            if (tr['grpc-status'] !== undefined) done({ status, type, grpcStatus: Number(tr['grpc-status']), grpcMessage: decodeURIComponent(String(tr['grpc-message'] ?? '')), body, error: null });
          });
          return () => {
            if (!req.destroyed) req.close(h2c.NGHTTP2_CANCEL);
          };
        },
        () => ({ status: null, type: null, grpcStatus: null, grpcMessage: '', body: '', error: 'timeout' }),
        // The server's SETTINGS and its close came in one read: the session is gone before the stream opens.
        (e) => ({ status: null, type: null, grpcStatus: null, grpcMessage: '', body: '', error: e instanceof Error ? e.message : String(e) }),
      );
      if (c.status === 200 && c.type?.startsWith('application/grpc') && (c.grpcStatus === null || c.grpcStatus === 0)) {
        stage('connect', true, t0, `/protos.Chaincode/Connect open (${c.type})`);
        return report('ok', `the server completed ${cfg ? 'TLS, ' : ''}HTTP/2 and opened /protos.Chaincode/Connect`, '', null);
      }
      if (c.error === 'timeout') {
        stage('connect', false, t0, `no response headers within ${budgetMs} ms`);
        return report('ok', `the server completed ${cfg ? 'TLS and ' : ''}HTTP/2 and accepted the stream; it has not answered within ${budgetMs} ms (the chaincode speaks first, with REGISTER)`, '', null);
      }
      if (c.status === 200 && c.type?.startsWith('application/grpc') && c.grpcStatus !== null) {
        stage('connect', false, t0, `grpc-status ${c.grpcStatus}: ${c.grpcMessage}`);
        const err = grpcStatusError(c.grpcStatus, c.grpcMessage);
        if (c.grpcStatus === 12) {
          return report('no-chaincode-service', `the server speaks gRPC but does not serve /protos.Chaincode/Connect (${c.grpcMessage})`,
            'Start the chaincode in server mode: Go shim.ChaincodeServer, `fabric-chaincode-node server`, or Java with CHAINCODE_SERVER_ADDRESS; a classic chaincode (shim.Start) is a client and serves nothing.', onStream(err, 'settled'));
        }
        return report('connect-refused', `the server refused /protos.Chaincode/Connect: ${err}`, 'Check the chaincode server\'s logs for why it rejects the stream.', onStream(err, 'inferred'));
      }
      stage('connect', false, t0, c.error ?? (c.status !== null ? `HTTP ${c.status} ${c.type ?? ''}`.trim() : `no response headers${seen.eof ? '; the server closed the connection' : ''}`));
      if (c.status !== null) {
        const err = notGrpcStreamError(c.status, c.type, c.body);
        return report('not-grpc', `${target.address} is an HTTP/2 server but not gRPC: /protos.Chaincode/Connect got HTTP ${c.status}${c.type ? ` (${c.type})` : ''}`,
          'Point address at the chaincode server\'s gRPC port, not at a web server or an HTTP proxy.', onStream(err, c.status === 404 ? 'settled' : 'inferred'));
      }
      const ended = unansweredStream({ eof: seen.eof, reset: seen.reset, goaway, error: c.error });
      return report('connect-refused', ended.explanation, 'Check the chaincode server\'s logs: it accepted the connection and the HTTP/2 handshake, then ended the connection instead of serving the stream (a server or proxy that shuts down, crashes or drops new connections does this).', ended.peer);
    } finally {
      s.destroy();
    }
  } finally {
    // Outermost first: destroying a socket under a live TLSSocket crashes Node 20 (segfault).
    for (const c of [...toClose].reverse()) c.destroy();
  }

  function tlsVerifyReport(failure: string, goError: string, certs: CertInfo[], verified: string, config: PeerTlsConfig): ProbeReport {
    const leaf = certs[0];
    const names = leaf ? [...leaf.dnsNames, ...leaf.ipAddresses] : [];
    const peer = afterTimeout(tlsLog(goError), 'comm.tls');
    const domainNote = target.tls?.client
      ? (target.tls.client.serverNameOverride ? ` (domain ${JSON.stringify(target.tls.client.serverNameOverride)} overrides the address host)` : '')
      : '';
    switch (failure) {
      case 'name':
        return report('tls-name-mismatch',
          `the server certificate does not name the host the peer verifies: the peer checks ${JSON.stringify(verified)}${domainNote}, the certificate's SANs are ${names.length ? names.join(', ') : 'absent'}${leaf && !leaf.hasSanExtension ? ` (only the Common Name ${JSON.stringify(leaf.commonName)}, which Go ignores)` : ''}: ${goError}`,
          leaf ? `${sanRemedy(leaf, verified, isIP(verified.replace(/^\[|\]$/g, '')) !== 0).replace(/\.$/, '')}${target.tls?.client ? '' : '; `domain` does not help here, because the peer uses it only with client_auth_required'}.`
            : `Issue the server certificate with ${verified} in its subjectAltName.`, peer);
      case 'expired':
        return report('tls-expired', `the server certificate is outside its validity period (${leaf ? `${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}` : '?'}): ${goError}`,
          'Renew the chaincode server certificate (and restart the server with it).', peer);
      case 'usage':
        return report('tls-bad-usage', `the server certificate (or a CA above it) has an extendedKeyUsage without serverAuth (${leaf?.extKeyUsage?.join(', ') ?? 'none'}): ${goError}`,
          'Issue the server certificate with extendedKeyUsage serverAuth (or without the extension).', peer);
      default: {
        const roots = config.roots.map((r) => r.subject).join('; ');
        const clientCaNote = config.client?.chain[0] && leaf && config.client.chain[0].issuer === config.roots[0]?.subject && leaf.issuer !== config.roots[0]?.subject
          ? ' root_cert holds the CA of the peer\'s own client certificate, as Fabric\'s documentation ("the server (peer) root certificate") suggests, not the CA of the chaincode server.'
          : '';
        return report('tls-wrong-ca', `the server certificate (issued by ${leaf?.issuer ?? '?'}) does not chain to root_cert (${roots}): ${goError}.${clientCaNote}`,
          `Put the CA that issued the chaincode server certificate (${leaf?.issuer ?? 'its issuer'}) in root_cert, as PEM; the peer uses no system roots.`, peer);
      }
    }
  }

  async function classifyTlsFailure(r: TlsOutcome, endpoint: typeof ep, crossMs: number): Promise<ProbeReport> {
    const msg = r.error ?? '';
    const alert = alertOf(msg);
    if (/ECONNRESET/.test(msg) && !/disconnected before secure/i.test(msg)) r.seen.reset = true;
    const plainSuspect = r.seen.eof || r.seen.reset || /wrong version number|packet length too long|record layer failure|unexpected message|http request|unexpected eof|disconnected before secure/i.test(msg);
    if (alert === null && plainSuspect) {
      const t = performance.now();
      const other = await plaintextAnswer(endpoint, crossMs);
      stage('other-mode', other.kind === 'h2', t, `plaintext: ${other.kind} (${other.detail})`);
      if (other.kind === 'h2') {
        return report('tls-to-plaintext', `connection.json says tls_required true, but the server speaks plaintext HTTP/2 (gRPC without TLS); the handshake failed with ${msg}`,
          'Start the server with TLS (the Node shim: --chaincode-tls-cert-file/--chaincode-tls-key-file, or CORE_CHAINCODE_TLS_CERT_FILE/_KEY_FILE; the Go shim: TLSProps with Disabled false), or set "tls_required": false.',
          afterTimeout(tlsLog('tls: first record does not look like a TLS handshake'), 'comm.tls'));
      }
      if (other.kind === 'http1') {
        return report('http1', `the server speaks plaintext HTTP/1.x (${other.detail}), neither TLS nor gRPC`, 'Point address at the chaincode server\'s gRPC port, not at a web server.',
          afterTimeout(tlsLog('tls: first record does not look like a TLS handshake'), 'comm.tls'));
      }
      if (r.seen.reset) {
        return report('dropped', `the server reset the connection during the TLS handshake (${msg})`, 'Check the chaincode server\'s logs: it accepted the TCP connection and dropped it before completing TLS.',
          immediate(`transport: authentication handshake failed: read tcp <peer>-><server>: read: connection reset by peer`));
      }
      if (r.seen.eof) {
        return report('dropped', `the server closed the connection during the TLS handshake (${msg})`, 'Check the chaincode server\'s logs: it accepted the TCP connection and closed it before completing TLS.',
          afterTimeout(tlsLog('EOF'), 'comm.tls', 'inferred'));
      }
      return report('tls-other', `the TLS handshake failed: ${msg}`, 'Check that the server speaks TLS on that port.', afterTimeout(null, null, 'inferred'));
    }
    return alertReport(alert, msg);
  }

  function alertReport(alert: number | null, msg: string): ProbeReport {
    const goText = alert !== null ? `remote error: tls: ${GO_ALERTS[alert] ?? `alert(${alert})`}` : msg;
    const addrLog = (desc: string): PeerView => afterTimeout(transportLog(target.address, `error reading server preface: ${desc}`), 'grpc');
    if (alert === 116 || (alert === 40 && !target.tls?.client)) {
      return report('tls-client-cert-required', target.tls?.client
        ? `the server requires a client certificate and did not accept the one the peer presents (${msg})`
        : `the server requires a client certificate (mutual TLS), but connection.json has client_auth_required false, so the peer presents none (${msg})`,
        'Set "client_auth_required": true with client_cert and client_key (PEM) issued by the CA the server trusts for clients; or turn off client authentication on the server.',
        addrLog('remote error: tls: certificate required'));
    }
    if (alert !== null && [42, 43, 44, 45, 46, 48, 49, 51].includes(alert)) {
      const unknownCa = alert === 48;
      return report('tls-client-cert-rejected', `the server rejected the peer's client certificate (${GO_ALERTS[alert] ?? alert}: ${msg})${unknownCa ? '; the real peer (Go) would not even send it, because its issuer is not among the CAs the server asks for, and would fail with "certificate required"' : ''}`,
        'Issue client_cert from the CA the chaincode server trusts for clients (Node: --chaincode-tls-client-cacert-file; Go: TLSProps.ClientCACerts), with extendedKeyUsage clientAuth, valid now.',
        unknownCa ? { ...addrLog('remote error: tls: certificate required'), certainty: 'inferred' } : { ...addrLog(goText), certainty: 'inferred' });
    }
    return report('tls-other', `the TLS handshake failed: ${msg}`, 'Check that both sides share a TLS version (1.2+) and a cipher suite Go offers (ECDHE with AES-GCM or ChaCha20), and the certificates.',
      afterTimeout(tlsLog(goText), 'comm.tls', 'inferred'));
  }

  async function classifyH2Failure(why: string, seen: Observed, endpoint: typeof ep, crossMs: number): Promise<ProbeReport> {
    const first = seen.first;
    if (why === 'timeout') {
      return report('timeout', `the server accepted the connection on ${shown} but never sent HTTP/2 SETTINGS within ${budgetMs} ms (a listener that does not speak)`,
        'Check that address points at the chaincode server\'s gRPC port and that the server is not stuck; the peer waits dial_timeout and fails.', afterTimeout(null, null));
    }
    if (cfg) {
      const alert = alertOf(seen.error ?? why);
      if (alert !== null) return alertReport(alert, seen.error ?? why);
      if (first.length === 0) {
        // In TLS 1.3 the server judges the client certificate after the client's handshake is done;
        // its alert can lose the race with the client's first write (EPIPE). Listen again, silently.
        const t = performance.now();
        const again = await tlsAlert(endpoint, cfg, Math.min(crossMs, 500), isIP(authority) ? undefined : authority);
        stage('other-mode', false, t, `TLS again, without writing: ${again ?? 'no alert'}`);
        const a2 = again ? alertOf(again) : null;
        if (a2 !== null && again) return alertReport(a2, again);
      }
      if (cfg.client && first.length === 0 && !seen.reset) {
        // TLS 1.3: the server judges the client certificate after the client's handshake is done,
        // and an OpenSSL server that rejects it just closes (the field notes saw no reason either).
        return report('tls-client-cert-rejected', `the server completed TLS, then closed the connection without a word (${seen.error ?? why}): a mutual-TLS server that rejects the client certificate does this; the real peer (Go) sends client_cert only when its issuer is among the CAs the server asks for, and otherwise fails with "certificate required"`,
          'Issue client_cert from the CA the chaincode server trusts for clients (Node: --chaincode-tls-client-cacert-file; Go: TLSProps.ClientCACerts), with extendedKeyUsage clientAuth, valid now; give --server-client-ca to have the harness check it.',
          { ...afterTimeout(transportLog(target.address, 'error reading server preface: remote error: tls: certificate required'), 'grpc'), certainty: 'settled' });
      }
    }
    if (first.subarray(0, 5).toString('latin1') === 'HTTP/') {
      return report('http1', `the server answered HTTP/1.x (${first.toString('latin1').split('\r\n')[0]}), not HTTP/2: it is a web server, not a gRPC server`,
        'Point address at the chaincode server\'s gRPC port, not at a web server.',
        afterTimeout(transportLog(target.address, 'error reading server preface: http2: failed reading the frame payload: http2: frame too large, note that the frame header looked like an HTTP/1.1 header'), 'grpc'));
    }
    if (!cfg && (first.length === 0 || first[0] === 0x15 || first[0] === 0x16)) {
      const t = performance.now();
      const other = await tlsAnswer(endpoint, isIP(authority) ? undefined : authority, crossMs);
      stage('other-mode', other.ok, t, `TLS: ${other.detail}`);
      if (other.ok) {
        serverCerts = other.certs;
        const leaf = other.certs[0];
        return report('plaintext-to-tls', `the server speaks TLS but the package says tls_required: false${leaf ? ` (its certificate: ${leaf.subject}, issued by ${leaf.issuer})` : ''}; the Go shim's ChaincodeServer has TLS on unless TLSProps.Disabled is true`,
          `Set "tls_required": true and put the CA that issued the server certificate${leaf ? ` (${leaf.issuer})` : ''} in root_cert as PEM; or start the server without TLS (Go: TLSProps.Disabled true).`,
          afterTimeout(transportLog(target.address, 'error reading server preface: EOF'), 'grpc'));
      }
    }
    if (seen.reset) {
      return report('dropped', `the server reset the connection during the HTTP/2 handshake (${seen.error ?? why})`, 'Check the chaincode server\'s logs: it dropped the connection before HTTP/2 was established.',
        afterTimeout(transportLog(target.address, 'error reading server preface: connection reset by peer'), 'grpc'));
    }
    if (first.length === 0) {
      return report('dropped', `the server closed the connection without answering the HTTP/2 preface (${why})`, 'Check the chaincode server\'s logs: it accepted the TCP connection and closed it.',
        afterTimeout(transportLog(target.address, 'error reading server preface: EOF'), 'grpc', 'inferred'));
    }
    return report('not-http2', `the server's first bytes are not HTTP/2 (${JSON.stringify(first.toString('latin1').slice(0, 32))}, ${why})`,
      'Point address at the chaincode server\'s gRPC port.', afterTimeout(null, null, 'inferred'));
  }
}
