import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { createCA, issue, type Credential } from '../../src/pki/index.js';

/**
 * Misbehaving endpoints for the dial tests: each listens on 127.0.0.1 (a random port) and fails
 * the peer's dial in one precise way. `EXPECTED` says what the staged probe must classify each
 * one as, and whether the package that dials it says TLS.
 */

export type ImpostorKind =
  | 'closed'
  | 'blackhole'
  | 'drop-after-hello'
  | 'drop-after-client-hello'
  | 'http1'
  | 'h2-not-grpc'
  | 'h2-settings-then-close'
  | 'grpc-without-chaincode'
  | 'tls-wrong-san'
  | 'tls-cn-only'
  | 'tls-expired'
  | 'tls-not-yet-valid'
  | 'tls-wrong-ca'
  | 'tls-client-only-eku'
  | 'tls-no-alpn'
  | 'tls-mtls';

/** What the probe must say about each impostor, and how the package dialling it is configured. */
export const EXPECTED: Readonly<Record<ImpostorKind, { readonly classification: string; readonly tls: boolean }>> = {
  closed: { classification: 'refused', tls: false },
  blackhole: { classification: 'timeout', tls: false },
  'drop-after-hello': { classification: 'dropped', tls: false },
  'drop-after-client-hello': { classification: 'dropped', tls: true },
  http1: { classification: 'http1', tls: false },
  'h2-not-grpc': { classification: 'not-grpc', tls: false },
  'h2-settings-then-close': { classification: 'connect-refused', tls: false },
  'grpc-without-chaincode': { classification: 'no-chaincode-service', tls: false },
  'tls-wrong-san': { classification: 'tls-name-mismatch', tls: true },
  'tls-cn-only': { classification: 'tls-name-mismatch', tls: true },
  'tls-expired': { classification: 'tls-expired', tls: true },
  'tls-not-yet-valid': { classification: 'tls-expired', tls: true },
  'tls-wrong-ca': { classification: 'tls-wrong-ca', tls: true },
  'tls-client-only-eku': { classification: 'tls-bad-usage', tls: true },
  'tls-no-alpn': { classification: 'no-alpn-h2', tls: true },
  'tls-mtls': { classification: 'tls-client-cert-required', tls: true },
};

export interface Impostor {
  readonly kind: ImpostorKind;
  readonly port: number;
  /** `localhost:<port>`: the name the server certificates are issued for. */
  readonly address: string;
  /** The server certificate presented, for TLS impostors. */
  readonly serverCertPem: string | null;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export interface ImpostorOptions {
  /** The CA the package trusts (root_cert); TLS impostors issue their certificate from it, or deliberately not. */
  readonly ca?: Credential;
  /** For tls-mtls: the CA whose client certificates the server accepts (default: `ca`). */
  readonly clientCa?: Credential;
}

const DAY = 86_400_000;
/** An HTTP/2 SETTINGS frame with no settings: length 0, type 4, no flags, stream 0. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

function listen(server: NetServer | Http2Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

/** Answers every request as a gRPC server with no services would: trailers-only UNIMPLEMENTED. */
function unimplemented(stream: ServerHttp2Stream): void {
  stream.on('error', () => undefined);
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'impostor: no such service' }, { endStream: true });
}

function serverCredential(kind: ImpostorKind, ca: Credential): Credential {
  const now = Date.now();
  const base = { commonName: 'localhost', sans: ['localhost', '127.0.0.1'], extendedKeyUsage: ['serverAuth'] as const };
  switch (kind) {
    case 'tls-wrong-san':
      return issue(ca, { ...base, commonName: 'wrong.example.com', sans: ['wrong.example.com', '10.9.8.7'] });
    case 'tls-cn-only':
      return issue(ca, { commonName: 'localhost', extendedKeyUsage: ['serverAuth'] });
    case 'tls-expired':
      return issue(ca, { ...base, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) });
    case 'tls-not-yet-valid':
      return issue(ca, { ...base, notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) });
    case 'tls-wrong-ca':
      return issue(createCA('Impostor CA', { organization: 'impostors' }), base);
    case 'tls-client-only-eku':
      return issue(ca, { ...base, extendedKeyUsage: ['clientAuth'] });
    default:
      return issue(ca, base);
  }
}

export async function startImpostor(kind: ImpostorKind, opts: ImpostorOptions = {}): Promise<Impostor> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const track = (s: Socket): void => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  };
  const destroyAll = (): void => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const make = (port: number, serverCertPem: string | null, close: () => Promise<void>): Impostor => ({
    kind,
    port,
    address: `localhost:${port}`,
    serverCertPem,
    connections: () => accepted,
    close,
  });
  const closeNet = (server: { close(cb: () => void): unknown }) => (): Promise<void> =>
    new Promise((resolve) => {
      destroyAll();
      server.close(() => resolve());
    });

  switch (kind) {
    case 'closed': {
      // A port that was just bound and released: nothing listens.
      const s = createNetServer();
      const port = await listen(s);
      await new Promise<void>((r) => s.close(() => r()));
      return make(port, null, async () => undefined);
    }
    case 'blackhole':
    case 'drop-after-hello':
    case 'drop-after-client-hello':
    case 'h2-settings-then-close': {
      const s = createNetServer((sock) => {
        track(sock);
        if (kind === 'blackhole') return;
        // The fault suite's "settings then close": an empty SETTINGS frame and the end of the connection in one write.
        if (kind === 'h2-settings-then-close') {
          sock.once('data', () => sock.end(EMPTY_SETTINGS));
          return;
        }
        // Wait for the client's first bytes (HTTP/2 preface or TLS ClientHello), then reset.
        sock.once('data', () => sock.resetAndDestroy());
      });
      return make(await listen(s), null, closeNet(s));
    }
    case 'http1': {
      const s = createHttpServer((req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end(`<html><body>no ${req.url ?? ''} here</body></html>`);
      });
      s.on('connection', track);
      return make(await listen(s as unknown as NetServer), null, closeNet(s));
    }
    case 'h2-not-grpc': {
      const s = createH2Server();
      s.on('connection', track);
      s.on('stream', (stream) => {
        stream.on('error', () => undefined);
        stream.respond({ ':status': 404, 'content-type': 'text/html' });
        stream.end('<html>not found</html>');
      });
      return make(await listen(s), null, closeNet(s));
    }
    case 'grpc-without-chaincode': {
      const s = new grpc.Server();
      const port = await new Promise<number>((resolve, reject) =>
        s.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
      );
      return make(port, null, () => new Promise((resolve) => s.tryShutdown(() => resolve())));
    }
    default: {
      const ca = opts.ca ?? createCA('Impostor Test CA');
      const cred = serverCredential(kind, ca);
      const h2 = createH2Server();
      h2.on('stream', unimplemented);
      const mtls = kind === 'tls-mtls';
      const s = createTlsServer(
        {
          key: cred.keyPem,
          cert: cred.certPem,
          ...(kind === 'tls-no-alpn' ? {} : { ALPNProtocols: ['h2'] }),
          ...(mtls ? { ca: (opts.clientCa ?? ca).certPem, requestCert: true, rejectUnauthorized: true } : {}),
        },
        (sock: TLSSocket) => {
          // Plain HTTP/2 over the TLS socket, whether or not ALPN chose h2 (a misconfigured proxy does this).
          h2.emit('connection', sock);
        },
      );
      s.on('connection', track);
      s.on('tlsClientError', () => undefined);
      return make(await listen(s), cred.certPem, closeNet(s));
    }
  }
}
