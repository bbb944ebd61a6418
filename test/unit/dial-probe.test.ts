import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXPECTED, startImpostor, type Impostor, type ImpostorKind } from '../../mocks/impostors/index.js';
import type { DialTarget } from '../../src/dial/connect.js';
import { DEADLINE } from '../../src/dial/grpcgo.js';
import { probe, unansweredStream } from '../../src/dial/probe.js';
import { createCA, issue, type Credential } from '../../src/pki/index.js';
import { timed } from '../support/timing.js';

/**
 * The staged probe against every misbehaving endpoint: the classification, the stage that failed,
 * and the peer's texts, which were recorded from a Go program dialling each impostor exactly as the
 * peer does (grpc-go v1.82.1).
 */

const BUDGET = 1_000;
let ca: Credential;
const running: Impostor[] = [];

async function run(kind: ImpostorKind, tweak: (t: DialTarget) => DialTarget = (t) => t) {
  const imp = await startImpostor(kind, { ca });
  running.push(imp);
  const target = tweak({ address: imp.address, dialTimeoutMs: BUDGET, tls: EXPECTED[kind].tls ? { rootCert: ca.certPem, client: null } : null });
  const { value: r, ms, lagMs } = await timed(() => probe(target, BUDGET));
  return { r, ms, lagMs, imp };
}

describe('staged probe: each impostor gets its classification and the peer\'s words', () => {
  before(() => {
    ca = createCA('Chaincode Test CA');
  });
  after(async () => {
    await Promise.all(running.map((i) => i.close()));
  });

  for (const kind of Object.keys(EXPECTED) as ImpostorKind[]) {
    it(`${kind} → ${EXPECTED[kind].classification}`, async () => {
      const { r } = await run(kind);
      assert.equal(r.classification, EXPECTED[kind].classification, r.explanation);
      assert.ok(r.remedy.length > 10);
      assert.ok(r.peer, 'a failure says what the peer does');
      assert.equal(r.stages.at(-1)?.ok === false || r.stages.some((s) => !s.ok), true);
    });
  }

  it('closed port: fails at once with grpc-go\'s transport error and the resolved address', async () => {
    const { r, imp } = await run('closed');
    assert.equal(r.peer?.when, 'immediately');
    assert.equal(r.peer?.dialError, `failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:${imp.port}: connect: connection refused"`);
    assert.deepEqual(r.stages.map((s) => [s.name, s.ok]), [['resolve', true], ['tcp', false]]);
  });

  it('blackhole: reported within the budget + 200 ms, as context deadline exceeded', async () => {
    const { r, ms, lagMs } = await run('blackhole');
    // the whole budget, then at most 200 ms more (plus however late this machine ran its timers)
    assert.ok(ms >= BUDGET - 5 && ms <= BUDGET + 200 + lagMs, `${ms} ms (timer lag ${lagMs} ms)`);
    assert.equal(r.peer?.dialError, DEADLINE);
    assert.equal(r.peer?.when, 'after dial_timeout');
    assert.equal(r.stages.at(-1)?.name, 'http2');
  });

  it('a connection dropped mid-handshake is a finding, not a crash (plaintext and TLS)', async () => {
    const plain = (await run('drop-after-hello')).r;
    assert.match(plain.peer?.log ?? '', /error reading server preface: connection reset by peer/);
    const tls = (await run('drop-after-client-hello')).r;
    assert.equal(tls.peer?.when, 'immediately');
    assert.equal(tls.peer?.dialError, 'failed to create new connection: connection error: desc = "transport: authentication handshake failed: read tcp <peer>-><server>: read: connection reset by peer"');
  });

  it('HTTP/1.1 and non-gRPC HTTP/2 servers', async () => {
    const h1 = (await run('http1')).r;
    assert.match(h1.explanation, /HTTP\/1\.1 400/);
    assert.match(h1.peer?.log ?? '', /frame header looked like an HTTP\/1\.1 header/);
    const h2 = (await run('h2-not-grpc')).r;
    assert.equal(h2.peer?.streamError, 'rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404 (Not Found); transport: received unexpected content-type "text/html"\ndata: "<html>not found</html>"');
    const svc = (await run('grpc-without-chaincode')).r;
    assert.equal(svc.peer?.streamError, 'rpc error: code = Unimplemented desc = The server does not implement the method /protos.Chaincode/Connect');
    assert.equal(svc.stages.at(-1)?.name, 'connect');
  });

  it('SETTINGS then close: the dial succeeds and the stream fails with the real peer\'s reader error', async () => {
    const { r } = await run('h2-settings-then-close');
    assert.deepEqual(r.stages.map((s) => [s.name, s.ok]), [['resolve', true], ['tcp', true], ['http2', true], ['connect', false]]);
    assert.match(r.explanation, /closed the connection without answering \/protos\.Chaincode\/Connect/);
    // As the real Fabric 3.1.5 peer printed it (test/realpeer case settings-then-close, 9 runs out of 9).
    assert.deepEqual(r.peer, { dialError: null, streamError: 'rpc error: code = Unavailable desc = error reading from server: EOF', log: null, logger: null, when: 'on the stream', certainty: 'settled' });
  });

  it('a stream the server ends unanswered: EOF is settled, a reset or a GOAWAY only inferred', () => {
    const eof = unansweredStream({ eof: true, reset: false, goaway: false, error: 'The session has been destroyed' });
    assert.equal(eof.peer.streamError, 'rpc error: code = Unavailable desc = error reading from server: EOF');
    assert.equal(eof.peer.certainty, 'settled');
    const reset = unansweredStream({ eof: true, reset: true, goaway: false, error: 'read ECONNRESET' });
    assert.equal(reset.peer.streamError, 'rpc error: code = Unavailable desc = error reading from server: read tcp <peer>-><server>: read: connection reset by peer');
    assert.equal(reset.peer.certainty, 'inferred');
    const goaway = unansweredStream({ eof: true, reset: false, goaway: true, error: null });
    assert.match(goaway.explanation, /GOAWAY/);
    assert.equal(goaway.peer.certainty, 'inferred');
    const other = unansweredStream({ eof: false, reset: false, goaway: false, error: 'Stream closed with error code NGHTTP2_REFUSED_STREAM' });
    assert.equal(other.peer.streamError, 'rpc error: code = Unavailable desc = Stream closed with error code NGHTTP2_REFUSED_STREAM');
    assert.equal(other.peer.certainty, 'inferred');
    assert.equal(other.peer.when, 'on the stream');
  });

  it('TLS verification failures carry Go\'s x509 texts, the SANs and the name dialled', async () => {
    const san = (await run('tls-wrong-san')).r;
    assert.equal(san.peer?.log, 'Client TLS handshake failed after <duration> with error: tls: failed to verify certificate: x509: certificate is valid for wrong.example.com, not localhost');
    assert.match(san.explanation, /"localhost".*wrong\.example\.com, 10\.9\.8\.7/);
    assert.equal(san.verifiedName, 'localhost');
    assert.deepEqual(san.serverCertificates[0]?.dnsNames, ['wrong.example.com']);
    assert.match((await run('tls-cn-only')).r.peer?.log ?? '', /certificate relies on legacy Common Name field, use SANs instead$/);
    assert.match((await run('tls-expired')).r.peer?.log ?? '', /x509: certificate has expired or is not yet valid: current time \S+Z is after \S+Z$/);
    assert.match((await run('tls-not-yet-valid')).r.peer?.log ?? '', /is before/);
    assert.match((await run('tls-wrong-ca')).r.peer?.log ?? '', /x509: certificate signed by unknown authority$/);
    assert.match((await run('tls-client-only-eku')).r.peer?.log ?? '', /x509: certificate specifies an incompatible key usage$/);
    assert.match((await run('tls-no-alpn')).r.peer?.log ?? '', /missing selected ALPN property/);
  });

  it('mutual TLS: no client certificate, a stranger\'s, and the right one', async () => {
    const none = (await run('tls-mtls')).r;
    assert.match(none.explanation, /client_auth_required false/);
    assert.match(none.peer?.log ?? '', /error reading server preface: remote error: tls: certificate required"$/);
    const strangerCa = createCA('Stranger CA');
    const stranger = issue(strangerCa, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'] });
    const rejected = (await run('tls-mtls', (t) => ({ ...t, tls: { rootCert: ca.certPem, client: { cert: stranger.certPem, key: stranger.keyPem, serverNameOverride: '' } } }))).r;
    assert.equal(rejected.classification, 'tls-client-cert-rejected');
    assert.match(rejected.explanation, /the CAs the server asks for/);
    assert.match(rejected.peer?.log ?? "", /remote error: tls: certificate required/);
    const good = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'] });
    const ok = (await run('tls-mtls', (t) => ({ ...t, tls: { rootCert: ca.certPem, client: { cert: good.certPem, key: good.keyPem, serverNameOverride: '' } } }))).r;
    // The impostor speaks HTTP/2 but has no Chaincode service: TLS and mutual TLS passed.
    assert.equal(ok.classification, 'no-chaincode-service');
    assert.equal(ok.stages.find((s) => s.name === 'tls')?.ok, true);
  });

  it('domain is the verified name only with client auth', async () => {
    const good = issue(ca, { commonName: 'peer0', extendedKeyUsage: ['clientAuth'] });
    const r = (await run('tls-wrong-san', (t) => ({ ...t, tls: { rootCert: ca.certPem, client: { cert: good.certPem, key: good.keyPem, serverNameOverride: 'wrong.example.com' } } }))).r;
    assert.equal(r.verifiedName, 'wrong.example.com');
    assert.notEqual(r.classification, 'tls-name-mismatch');
  });

  it('the other mode: a TLS package against a plaintext server, and the reverse', async () => {
    const plainServer = (await run('grpc-without-chaincode', (t) => ({ ...t, tls: { rootCert: ca.certPem, client: null } }))).r;
    assert.equal(plainServer.classification, 'tls-to-plaintext');
    assert.equal(plainServer.stages.at(-1)?.name, 'other-mode');
    assert.match(plainServer.peer?.log ?? '', /tls: first record does not look like a TLS handshake$/);
    const tlsServer = (await run('tls-no-alpn', (t) => ({ ...t, tls: null }))).r;
    assert.equal(tlsServer.classification, 'plaintext-to-tls');
    assert.match(tlsServer.explanation, /the server speaks TLS but the package says tls_required: false/);
    assert.match(tlsServer.peer?.log ?? '', /error reading server preface: EOF"$/);
  });

  it('configuration errors and bad addresses need no network', async () => {
    const cfg = await probe({ address: 'localhost:1', dialTimeoutMs: 1000, tls: { rootCert: 'not pem', client: null } }, 1000);
    assert.equal(cfg.classification, 'tls-config');
    assert.equal(cfg.peer?.dialError, 'error adding root certificate');
    assert.equal(cfg.stages.length, 0);
    const bad = await probe({ address: 'localhost', dialTimeoutMs: 1000, tls: null }, 1000);
    assert.equal(bad.classification, 'bad-address');
    assert.equal(bad.peer?.dialError, 'failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp: address localhost: missing port in address"');
    const unres = await probe({ address: 'no-such-host.invalid:7052', dialTimeoutMs: 1000, tls: null }, 1000);
    assert.equal(unres.classification, 'unresolvable');
  });
});
