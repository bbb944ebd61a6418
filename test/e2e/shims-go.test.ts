import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goFixtureSkip, goServerCommand, type GoServerTls } from '../../mocks/chaincode/go/launch.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import type { ResultJson } from '../../src/report/result.js';
import { freePort, runCli, tempDir } from '../support/cli.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';

/**
 * The official Go shim (fabric-chaincode-go/v2 shim.ChaincodeServer, mocks/chaincode/go) through
 * the real CLI: the sample package in plaintext, TLS and mutual TLS, a wrong package ID, the
 * example feature file, and peer KEEPALIVE. The shim and its protos are Go modules pinned in
 * mocks/chaincode/go/go.mod (the module proxy, or mirrors named by variables: mocks/mirrors.ts);
 * without `go` or them this skips, unless CI=true.
 */

type Rules = Map<string, ResultJson['rules'][number]>;

interface TranscriptEntry {
  readonly dir: string;
  readonly type: string;
}

/** The ChaincodeMessage transcripts attached to the run (messages.ndjson), every entry. */
async function transcript(reportDir: string): Promise<TranscriptEntry[]> {
  const out: TranscriptEntry[] = [];
  for (const line of (await readFile(join(reportDir, 'messages.ndjson'), 'utf8')).trim().split('\n')) {
    const body = (JSON.parse(line) as { attachment?: { body?: string } }).attachment?.body;
    if (!body?.startsWith('{')) continue;
    const a = JSON.parse(body) as { title?: string; data?: unknown };
    if (a.title === 'ChaincodeMessage transcript' && Array.isArray(a.data)) out.push(...(a.data as TranscriptEntry[]));
  }
  return out;
}

describe('Go shim server (fabric-chaincode-go/v2 ChaincodeServer) through the CLI', { skip: goFixtureSkip() ?? false }, () => {
  let dir: { path: string; remove(): Promise<void> };
  let tls: TlsWorld;
  before(async () => {
    dir = await tempDir();
    tls = await makeTlsWorld(dir.path);
  });
  after(async () => dir?.remove());

  async function run(name: string, command: string, o: { connection?: Record<string, unknown>; flags?: string[] } = {}): Promise<{ code: number | null; ms: number; stderr: string; reportDir: string; result: ResultJson; rules: Rules }> {
    const pkg = await writeSamplePackage(join(dir.path, `${name}.tgz`), { address: `localhost:${await freePort()}`, ...(o.connection ? { connection: o.connection } : {}) });
    const reportDir = join(dir.path, name);
    const r = await runCli([pkg, '--command', command, '--quiet', '--register-timeout', '60000', ...(o.flags ?? [])], { reportDir, timeoutMs: 400_000 });
    const result = await r.result();
    return { code: r.code, ms: r.ms, stderr: r.stderr, reportDir, result, rules: new Map(result.rules.map((x) => [x.id, x])) };
  }

  const modes = (): Array<{ name: 'plain' | 'tls' | 'mtls'; tls?: GoServerTls; connection: Record<string, unknown>; flags: string[] }> => [
    { name: 'plain', connection: {}, flags: [] },
    {
      name: 'tls',
      tls: { certFile: tls.files.serverCert, keyFile: tls.files.serverKey },
      connection: { tls_required: true, root_cert: tls.ca.certPem },
      flags: ['--server-cert', tls.files.serverCert, '--server-key', tls.files.serverKey],
    },
    {
      name: 'mtls',
      tls: { certFile: tls.files.serverCert, keyFile: tls.files.serverKey, clientCaFile: tls.files.caCert },
      connection: { tls_required: true, client_auth_required: true, root_cert: tls.ca.certPem, client_cert: tls.client.certPem, client_key: tls.client.keyPem },
      flags: ['--server-cert', tls.files.serverCert, '--server-key', tls.files.serverKey, '--server-client-ca', tls.files.caCert],
    },
  ];

  for (const name of ['plain', 'tls', 'mtls'] as const) {
    it(`${name}: the sample package is conformant, every DIAL MUST rule passes, several peers share the server (PROTO-19)`, async () => {
      const m = modes().find((x) => x.name === name);
      assert.ok(m);
      const r = await run(`sample-${name}`, goServerCommand(m.tls), { connection: m.connection, flags: m.flags });
      const failed = r.result.rules.filter((x) => x.status === 'failed');
      assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(failed)}`);
      assert.equal(r.result.verdict, 'conformant', r.result.summary);
      const dialMust = r.result.rules.filter((x) => x.id.startsWith('DIAL-') && x.level === 'MUST');
      assert.ok(dialMust.length >= 4, dialMust.map((x) => x.id).join(' '));
      for (const x of dialMust) {
        // plaintext: the peer makes no TLS handshake, so DIAL-05 does not apply
        if (name === 'plain' && x.id === 'DIAL-05') assert.equal(x.reason, 'not-applicable', `${x.id} ${x.status}: ${x.message}`);
        else assert.equal(x.status, 'passed', `${x.id}: ${x.message}`);
      }
      if (name !== 'plain') for (const id of ['DIAL-09', 'DIAL-10']) assert.equal(r.rules.get(id)?.status, 'passed', `${id}: ${r.rules.get(id)?.message}`);
      if (name === 'mtls') assert.equal(r.rules.get('DIAL-11')?.status, 'passed', r.rules.get('DIAL-11')?.message);
      for (const id of ['PROTO-01', 'PROTO-02', 'PROTO-04', 'PROTO-05', 'PROTO-07', 'PROTO-08', 'PROTO-16']) assert.equal(r.rules.get(id)?.status, 'passed', `${id}: ${r.rules.get(id)?.message}`);
      // unlike the Java shim (shared state), each Go stream has its own handler
      assert.equal(r.rules.get('PROTO-19')?.status, 'passed', r.rules.get('PROTO-19')?.message);
      assert.match(r.rules.get('PROTO-19')?.message ?? '', /several peers used the server at once/);
      assert.match(r.rules.get('PROTO-07')?.message ?? '', /You've asked to invoke a function that does not exist: /);
    });
  }

  it('a server registering with the wrong package ID fails PROTO-04 in seconds, with the peer\'s text', async () => {
    const wrong = `asset_ccaas:${'1'.repeat(64)}`;
    const r = await run('wrong-id', `CHAINCODE_ID=${wrong} ${goServerCommand()}`);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.result.verdict, 'non-conformant');
    const p4 = r.rules.get('PROTO-04');
    assert.equal(p4?.status, 'failed');
    assert.match(p4?.message ?? '', new RegExp(`REGISTER names '${wrong}', not the package ID 'asset_ccaas:[0-9a-f]{64}'`));
    assert.equal(p4?.peerError, `peer will not accept external chaincode connection ${wrong} (except in dev mode)`);
    assert.ok(r.ms < 60_000, `${r.ms} ms: a hang guard only, many times what the run needs`);
  });

  it('features/examples/asset.feature passes beside the conformance suite', async () => {
    const r = await run('features', goServerCommand(), { flags: ['--features', 'features/examples'] });
    assert.equal(r.code, 0, r.stderr);
    const own = r.result.scenarios.filter((s) => s.uri.includes('features/examples'));
    assert.ok(own.length >= 13, `ran ${own.length} example scenarios`);
    for (const s of own) assert.equal(s.status, 'passed', `${s.name}: ${s.failedStep ?? ''} ${s.message ?? ''}`);
    assert.equal(r.rules.get('PROTO-14')?.status, 'disabled', 'no KEEPALIVE unless asked');
  });

  it('--keepalive 1: the Go shim echoes every KEEPALIVE, so PROTO-14 passes', async () => {
    const r = await run('keepalive', goServerCommand(), { flags: ['--keepalive', '1'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.rules.get('PROTO-14')?.status, 'passed', r.rules.get('PROTO-14')?.message);
    assert.match(r.rules.get('PROTO-14')?.message ?? '', /the stream survived peer KEEPALIVE every 1 s/);
    const t = await transcript(r.reportDir);
    const sent = t.filter((e) => e.dir === 'peer→cc' && e.type === 'KEEPALIVE').length;
    const echoed = t.filter((e) => e.dir === 'cc→peer' && e.type === 'KEEPALIVE').length;
    assert.ok(sent >= 1, 'the peer sent KEEPALIVE');
    // the last KEEPALIVE may be in flight when the transcript is taken
    assert.ok(echoed >= sent - 1 && echoed <= sent, `${sent} KEEPALIVE sent, ${echoed} echoed`);
  });
});
