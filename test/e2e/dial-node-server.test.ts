import assert from 'node:assert/strict';

import { after, before, describe, it } from 'node:test';
import { nodeServerCommand, type NodeServerTls } from '../../mocks/chaincode/node/launch.js';
import { readConnection } from '../../src/connection/index.js';
import type { Dialed } from '../../src/dial/connect.js';
import { probe } from '../../src/dial/probe.js';
import type { Finding } from '../../src/findings.js';
import { MessageType } from '../../src/peer/codec.js';
import { startImpostor } from '../../mocks/impostors/index.js';
import { launchServer, type RunningServer } from '../../src/server/command.js';
import type { RunConfig } from '../../src/session/config.js';
import { dialStage } from '../../src/session/stages/dial.js';
import type { DialStage, SessionContext } from '../../src/session/types.js';
import { freePort, ROOT, tempDir } from '../support/cli.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';
import { timed } from '../support/timing.js';

/**
 * The dial stage against the real Node chaincode server (`fabric-chaincode-node server`, fabric-shim
 * 2.5.8, configured only through CORE_CHAINCODE_* variables) in plaintext, TLS and mutual TLS:
 * with matching packages every DIAL MUST rule passes and REGISTER arrives on the stream; with
 * mismatched packages the dial fails with the classification and the other-mode check.
 * The Go shim's ChaincodeServer gets the same three modes through the CLI in shims-go.test.ts.
 */

const CCID = `asset_ccaas:${'a'.repeat(64)}`;

/** The few session members the dial stage uses, over one connection.json. */
function context(connectionJson: object, address: string, serverTls?: RunConfig['serverTls']): { ctx: SessionContext; dialed: () => Dialed | null } {
  const bytes = Buffer.from(JSON.stringify(connectionJson));
  const read = readConnection(bytes, '/var/hyperledger/production/externalbuilder/builds/x/release/chaincode/server/connection.json');
  let adopted: Dialed | null = null;
  const ctx = {
    config: { registerTimeoutMs: 5_000, ...(serverTls ? { serverTls } : {}) },
    connection: async () => ({ findings: [], failure: read.failure, info: read.info, connectionJson: bytes.toString('utf8') }),
    build: async () => ({ findings: [], failure: null, outcome: { releaseDir: null } }),
    package: async () => ({ findings: [], failure: null, inspected: { builderInput: null } }),
    packageId: async () => CCID,
    server: async () => ({ findings: [], failure: null, server: null, address }),
    adoptDialed: (d: Dialed) => {
      adopted = d;
    },
  } as unknown as SessionContext;
  return { ctx, dialed: () => adopted };
}

function byRule(st: DialStage): Map<string, Finding> {
  const m = new Map<string, Finding>();
  for (const f of st.findings) if (!m.has(f.rule) || f.status === 'failed') m.set(f.rule, f);
  return m;
}

describe('dial stage against the real Node chaincode server', () => {
  let dir: { path: string; remove(): Promise<void> };
  let tls: TlsWorld;
  const servers: RunningServer[] = [];

  before(async () => {
    dir = await tempDir();
    tls = await makeTlsWorld(dir.path);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await dir.remove();
  });

  async function start(mode: 'plain' | 'tls' | 'mtls'): Promise<string> {
    const port = await freePort();
    const address = `localhost:${port}`;
    const t: NodeServerTls | undefined = mode === 'plain' ? undefined : { certFile: tls.files.serverCert, keyFile: tls.files.serverKey, ...(mode === 'mtls' ? { clientCaFile: tls.files.caCert } : {}) };
    const s = await launchServer({ command: nodeServerCommand(t), packageId: CCID, address, cwd: ROOT, baseEnv: process.env, startTimeoutMs: 20_000 });
    servers.push(s);
    assert.equal(s.problem, null, s.output().join('\n'));
    return address;
  }

  const packages = {
    plain: (address: string) => ({ address, dial_timeout: '3s', tls_required: false }),
    tls: (address: string) => ({ address, dial_timeout: '3s', tls_required: true, root_cert: tls.ca.certPem }),
    mtls: (address: string) => ({ address, dial_timeout: '3s', tls_required: true, client_auth_required: true, root_cert: tls.ca.certPem, client_cert: tls.client.certPem, client_key: tls.client.keyPem }),
  };

  for (const mode of ['plain', 'tls', 'mtls'] as const) {
    it(`${mode}: every DIAL MUST rule passes, and the chaincode sends REGISTER on the stream`, async () => {
      const address = await start(mode);
      const serverTls = mode === 'plain' ? undefined : { cert: tls.files.serverCert, key: tls.files.serverKey, clientCa: mode === 'mtls' ? tls.files.caCert : null };
      const { ctx, dialed } = context(packages[mode](address), address, serverTls);
      const st = await dialStage(ctx);
      const m = byRule(st);
      assert.equal(st.failure, null, JSON.stringify(st.failure));
      for (const rule of ['CONN-08', 'DIAL-03', 'DIAL-04', 'DIAL-05', 'DIAL-06']) {
        const f = m.get(rule);
        assert.ok(f, rule);
        assert.ok(f.status === 'passed' || (f.status === 'disabled' && /not applicable/.test(f.message)), `${rule} ${f.status}: ${f.message}`);
      }
      for (const rule of ['DIAL-09', 'DIAL-10', 'DIAL-11', 'CONN-09', 'DRIFT-07']) assert.notEqual(m.get(rule)?.status, 'failed', `${rule}: ${m.get(rule)?.message}`);
      assert.equal(m.get('DIAL-05')?.status, mode === 'plain' ? 'disabled' : 'passed');
      const d = dialed();
      assert.ok(d);
      const first = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no REGISTER within 5 s')), 5_000);
        d.stream.onMessage((msg) => {
          clearTimeout(timer);
          resolve(msg.type);
        });
      });
      assert.equal(first, MessageType.REGISTER);
      d.close();
      // The full staged probe, Connect included, passes too.
      const p = await probe({ address, dialTimeoutMs: 3_000, tls: read(packages[mode](address)) }, 3_000);
      assert.equal(p.classification, 'ok', p.explanation);
      assert.deepEqual(p.stages.map((s) => s.name), ['resolve', 'tcp', ...(mode === 'plain' ? [] : ['tls']), 'http2', 'connect']);
    });
  }

  function read(c: object) {
    return readConnection(Buffer.from(JSON.stringify(c)), 'c.json').info?.tls ?? null;
  }

  it('TLS server, plaintext package: "the server speaks TLS but the package says tls_required: false"', async () => {
    const address = await start('tls');
    const st = await dialStage(context(packages.plain(address), address).ctx);
    assert.equal(st.failure?.rule, 'DIAL-05');
    assert.match(st.failure?.message ?? '', /\(plaintext-to-tls\): the server speaks TLS but the package says tls_required: false/);
    assert.match(st.failure?.remedy ?? '', /"tls_required": true/);
    assert.match(st.failure?.peerError ?? '', /^could not launch chaincode asset_ccaas:a{64}: connection to asset_ccaas:a{64} failed: error cannot create connection for asset_ccaas:a{64}: error creating grpc connection to localhost:\d+: failed to create new connection: context deadline exceeded$/);
  });

  it('plaintext server, TLS package: the reverse', async () => {
    const address = await start('plain');
    const st = await dialStage(context(packages.tls(address), address).ctx);
    assert.equal(st.failure?.rule, 'DIAL-05');
    assert.match(st.failure?.message ?? '', /\(tls-to-plaintext\): connection.json says tls_required true, but the server speaks plaintext HTTP\/2/);
  });

  it('S32: mutual TLS server, package with TLS but client_auth_required false: the peer presents no certificate', async () => {
    const address = await start('mtls');
    const st = await dialStage(context(packages.tls(address), address).ctx);
    assert.equal(st.failure?.rule, 'DIAL-05', st.failure?.message);
    assert.match(st.failure?.message ?? '', /\(tls-client-cert-required\).*client_auth_required false/);
    assert.match(st.failure?.message ?? '', /error reading server preface: remote error: tls: certificate required/);
  });

  it('J12: TLS without client auth ignores domain; the server name comes from the address host', async () => {
    const address = await start('tls');
    const st = await dialStage(context({ ...packages.tls(address), domain: 'wrong.example.com' }, address).ctx);
    assert.equal(st.failure, null, st.failure?.message);
    assert.equal(st.probe?.verifiedName, 'localhost');
    st.dialed?.close();
  });

  it('J11: TLS with root_cert that is not PEM: error adding root certificate, before any network I/O (CONN-08)', async () => {
    const st = await dialStage(context({ address: 'localhost:1', tls_required: true, root_cert: 'garbage' }, 'localhost:1').ctx);
    assert.equal(st.failure?.rule, 'CONN-08');
    assert.equal(st.failure?.peerError, `could not launch chaincode ${CCID}: connection to ${CCID} failed: error cannot create connection for ${CCID}: error creating grpc connection to localhost:1: error adding root certificate`);
    assert.equal(st.probe, null);
  });

  it('a blackhole is reported within dial_timeout + 200 ms; a connection dropped mid-handshake is a finding', async () => {
    const hole = await startImpostor('blackhole');
    const drop = await startImpostor('drop-after-client-hello');
    try {
      const { value: st, ms, lagMs } = await timed(() => dialStage(context({ address: hole.address, dial_timeout: '1500ms' }, hole.address).ctx));
      assert.equal(st.failure?.rule, 'DIAL-03');
      assert.match(st.failure?.message ?? '', /\(timeout\)/);
      // the whole dial_timeout, then at most 200 ms more (plus however late this machine ran its timers)
      assert.ok(ms >= 1_490 && ms <= 1_700 + lagMs, `${ms} ms (timer lag ${lagMs} ms)`);
      const d = await dialStage(context({ ...packages.tls(drop.address), dial_timeout: '1s' }, drop.address).ctx);
      assert.equal(d.failure?.rule, 'DIAL-03');
      assert.match(d.failure?.message ?? '', /\(dropped\): the server reset the connection during the TLS handshake/);
      assert.match(d.failure?.peerError ?? '', /transport: authentication handshake failed: read tcp <peer>-><server>: read: connection reset by peer/);
    } finally {
      await hole.close();
      await drop.close();
    }
  });

  it('J13/J22: a dial_timeout of 10 ns or a negative one fails at once, whatever the server', async () => {
    const address = await start('plain');
    for (const dt of [10, -1]) {
      const t0 = performance.now();
      const st = await dialStage(context({ address, dial_timeout: dt }, address).ctx);
      assert.equal(st.failure?.rule, 'DIAL-03');
      assert.match(st.failure?.peerError ?? '', /failed to create new connection: context deadline exceeded$/);
      // a hang guard only: the failure text above says it failed at once, not after a dial
      assert.ok(performance.now() - t0 < 20_000);
    }
  });
});
