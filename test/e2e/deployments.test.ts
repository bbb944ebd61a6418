import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { startImpostor, type Impostor } from '../../mocks/chaincode/impostors/server.js';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { samplePackage, writeSamplePackage } from '../../mocks/sample/sample.js';
import { MessageType as T, encodeChaincodeId, encodeResponse } from '../../src/peer/codec.js';
import { issue } from '../../src/pki/index.js';
import type { ResultJson } from '../../src/report/result.js';
import { freePort, ROOT, runCli, tempDir, type CliRun } from '../support/cli.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';

/**
 * Shapes of real deployments, end to end through the CLI: completions that match no transaction,
 * servers that die, service host names (--command, --resolve, --address) and the certificates
 * that go with them. Every run is diagnosed, not waited out: the time bounds below catch hangs
 * (see HANG_MS), with margins many times the expected few seconds.
 */

/**
 * The peer's own waits are made long (--execute-timeout 300 s, dial_timeout 120 s...) so that a run
 * that waits one out instead of diagnosing it is caught with a wide margin on a loaded machine.
 */
const HANG_MS = 60_000;

/** A service name as real connection.json files carry it; it resolves nowhere but in its network. */
const SERVICE = 'asset-transfer-basic.org1.example.com';

/** A Go-like server that prints a panic and exits 2 (mocks/chaincode/panicking). */
const PANICKING = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'mocks', 'chaincode', 'panicking', 'server.js'))}`;

/**
 * Every rule that did not pass names its cause, and every report shows it: a failed rule its
 * message and fix; a blocked rule a cause that is another rule, failed in the same run; nothing
 * is blocked by itself. The console (without --quiet), result.json, index.html and junit.xml.
 */
async function assertCausesShown(run: CliRun, result: ResultJson): Promise<void> {
  const html = await run.file('index.html');
  const junit = await run.file('junit.xml');
  for (const r of result.rules.filter((x) => x.status === 'failed' || x.status === 'error' || x.status === 'skipped')) {
    if (r.status === 'skipped') {
      assert.ok(r.blockedBy, `${r.id} is skipped without a cause`);
      assert.notEqual(r.blockedBy, r.id, `${r.id} is blocked by itself`);
      const cause = result.rules.find((x) => x.id === r.blockedBy);
      assert.ok(cause && (cause.status === 'failed' || cause.status === 'error'), `${r.id} is blocked by ${r.blockedBy}, which did not fail in this run (${cause?.status ?? 'absent'})`);
      continue;
    }
    assert.ok(r.message.length > 20, `${r.id} has no message`);
    const first = r.message.split('\n')[0] as string;
    const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    assert.ok(html.includes(esc(first).slice(0, 80)), `index.html shows the cause of ${r.id}`);
    assert.ok(junit.includes(esc(first).slice(0, 80)), `junit.xml shows the cause of ${r.id}`);
    if (r.level === 'MUST') assert.ok(run.stdout.includes(first.slice(0, 80)), `the console shows the cause of ${r.id}`);
  }
}

describe('real deployments: verdicts without waiting the peer\'s timeouts out', () => {
  let dir: { path: string; remove(): Promise<void> };
  let tls: TlsWorld;
  const stops: Array<() => Promise<void>> = [];
  before(async () => {
    dir = await tempDir();
    tls = await makeTlsWorld(dir.path);
  });
  after(async () => {
    for (const s of stops) await s();
    await dir.remove();
  });

  it('a COMPLETED on the wrong channel: PROTO-08 names the field, says the peer drops it and times out, in seconds', async () => {
    // The package ID depends on the package bytes, which depend on the address: start the server first.
    let packageId = '';
    const imp: Impostor = await startImpostor(async (c) => {
      c.send({ type: T.REGISTER, payload: encodeChaincodeId(packageId) });
      if (!(await c.nextOf(T.READY))) return;
      const tx = await c.nextOf(T.TRANSACTION, 20_000);
      if (!tx) return;
      c.send({ type: T.COMPLETED, txid: tx.txid, channelId: 'otherchannel', payload: encodeResponse({ status: 200, message: '', payload: new Uint8Array() }) });
    });
    stops.push(() => imp.stop());
    const bytes = await samplePackage({ address: imp.address });
    packageId = `asset_ccaas:${createHash('sha256').update(bytes).digest('hex')}`;
    const pkg = join(dir.path, 'wrong-channel.tgz');
    await writeFile(pkg, bytes);
    const run = await runCli([pkg, '--execute-timeout', '300000', '--quiet'], { reportDir: join(dir.path, 'r-wrong-channel'), timeoutMs: 400_000 });
    const result = await run.result();
    const rule = result.rules.find((r) => r.id === 'PROTO-08');
    assert.equal(rule?.status, 'failed', JSON.stringify(result.rules.filter((r) => r.status !== 'passed' && r.status !== 'disabled')));
    assert.match(rule?.message ?? '', /with channel_id "otherchannel" \(the transaction's is "mychannel"\)/);
    assert.match(rule?.message ?? '', /drops the message .*notifier Txid:[0-9a-f]{64}, channelID:otherchannel does not exist for handling message COMPLETED/);
    assert.match(rule?.message ?? '', /after chaincode\.executetimeout \(300 s\)/);
    assert.match(rule?.peerError ?? '', /failed to execute transaction [0-9a-f]{64}: error sending: timeout expired while executing transaction$/);
    assert.match(rule?.remedy ?? '', /txid and channel_id of the TRANSACTION/);
    assert.equal(run.code, 1);
    for (const file of ['index.html', 'junit.xml']) assert.match(await run.file(file), /otherchannel/, `${file} names the mismatched channel`);
    process.stdout.write(`# wrong channel: ${run.ms} ms\n`);
    assert.ok(run.ms < HANG_MS, `the run took ${run.ms} ms: the harness waited out executetimeout (300 s) instead of diagnosing the dropped COMPLETED`);
  });
  it('a service host name with --command: the server listens on loopback, is dialled there, every report says so, and the setup conforms', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'service.tgz'), { address: `${SERVICE}:${port}`, connection: { dial_timeout: '120s' } });
    const run = await runCli([pkg, '--command', nodeServerCommand()], { reportDir: join(dir.path, 'r-service'), timeoutMs: 400_000 });
    const result = await run.result();
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(result.verdict, 'conformant');
    for (const id of ['DIAL-12', 'DIAL-03', 'DIAL-04', 'DIAL-06', 'PROTO-04']) assert.equal(result.rules.find((r) => r.id === id)?.status, 'passed', id);
    const note = result.notes.find((n) => n.includes(SERVICE)) ?? '';
    assert.match(note, new RegExp(`${SERVICE.replace(/\./g, '\\.')} (does not resolve on this machine|resolves to .*not an address of this machine).*told to listen on 127\\.0\\.0\\.1:\\d+ .*CHAINCODE_SERVER_ADDRESS.*--resolve ${SERVICE.replace(/\./g, '\\.')}:${port}:127\\.0\\.0\\.1`));
    assert.match(note, new RegExp(`stay ${SERVICE.replace(/\./g, '\\.')}:${port}`));
    assert.ok(run.stdout.includes(`note: ${note}`), 'the console says so');
    assert.ok((await run.file('index.html')).includes(SERVICE), 'index.html says so');
    assert.match(await run.file('junit.xml'), /<property name="note" value="[^"]*asset-transfer-basic\.org1\.example\.com/);
    assert.match(result.rules.find((r) => r.id === 'DIAL-04')?.message ?? '', /127\.0\.0\.1/);
    process.stdout.write(`# service name with --command: ${run.ms} ms\n`);
    assert.ok(run.ms < HANG_MS, `${run.ms} ms`);
  });

  it('a service host name with --resolve: TCP goes to the address given, the peer\'s view stays the service name', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'resolve.tgz'), { address: `${SERVICE}:${port}`, connection: { dial_timeout: '120s' } });
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--resolve', `${SERVICE.toUpperCase()}:${port}:127.0.0.1`, '--quiet'], { reportDir: join(dir.path, 'r-resolve'), timeoutMs: 400_000 });
    const result = await run.result();
    assert.equal(run.code, 0, JSON.stringify(result.rules.filter((r) => r.status === 'failed')));
    assert.match(result.notes.join('\n'), new RegExp(`--resolve ${SERVICE.replace(/\./g, '\\.')}:${port}:127\\.0\\.0\\.1: TCP connections to ${SERVICE.replace(/\./g, '\\.')}:${port} go to 127\\.0\\.0\\.1:${port}`, 'i'));
    const bad = await runCli([pkg, '--resolve', `${SERVICE}:9999`], { reportDir: join(dir.path, 'r-resolve-bad') });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--resolve takes HOST:PORT:ADDR, e\.g\. [^,]+, not 'asset-transfer-basic\.org1\.example\.com:9999' \(not HOST:PORT:ADDR\)/);
  });

  it('a TLS certificate whose only SAN is the service name passes DIAL-05 and DIAL-10 through --resolve and through --address 127.0.0.1 (the peer verifies the service name, never the redirect)', async () => {
    const cert = issue(tls.ca, { commonName: 'asset-transfer-basic', sans: [SERVICE], extendedKeyUsage: ['serverAuth'] });
    const certFile = join(dir.path, 'service.pem');
    const keyFile = join(dir.path, 'service.key');
    await writeFile(certFile, cert.certPem);
    await writeFile(keyFile, cert.keyPem, { mode: 0o600 });
    const command = nodeServerCommand({ certFile, keyFile });
    for (const how of ['--resolve', '--address'] as const) {
      const port = await freePort();
      const pkg = await writeSamplePackage(join(dir.path, `tls-${how}.tgz`), { address: `${SERVICE}:${port}`, connection: { dial_timeout: '120s', tls_required: true, root_cert: tls.ca.certPem } });
      const flag = how === '--resolve' ? ['--resolve', `${SERVICE}:${port}:127.0.0.1`] : ['--address', `127.0.0.1:${port}`];
      const run = await runCli([pkg, '--command', command, ...flag, '--server-cert', certFile, '--quiet'], { reportDir: join(dir.path, `r-tls-${how}`), timeoutMs: 400_000, env: { NODE_OPTIONS: '--throw-deprecation' } });
      const result = await run.result();
      for (const id of ['CONN-08', 'DIAL-03', 'DIAL-05', 'DIAL-06', 'DIAL-10', 'PROTO-04']) assert.equal(result.rules.find((r) => r.id === id)?.status, 'passed', `${how} ${id}: ${result.rules.find((r) => r.id === id)?.message ?? ''}`);
      assert.match(result.rules.find((r) => r.id === 'DIAL-05')?.message ?? '', new RegExp(`names ${SERVICE.replace(/\./g, '\\.')}`));
      assert.equal(run.code, 0, how);
      assert.doesNotMatch(run.stderr, /DeprecationWarning|RFC 6066/, 'no IP address is sent as TLS SNI');
    }
  });

  it('an IP address in connection.json with TLS: the certificate\'s IP SAN is verified and no IP address is sent as SNI (Go sends none)', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'tls-ip.tgz'), { address: `127.0.0.1:${port}`, connection: { dial_timeout: '120s', tls_required: true, root_cert: tls.ca.certPem } });
    const run = await runCli([pkg, '--command', nodeServerCommand({ certFile: tls.files.serverCert, keyFile: tls.files.serverKey }), '--quiet'], { reportDir: join(dir.path, 'r-tls-ip'), timeoutMs: 400_000, env: { NODE_OPTIONS: '--throw-deprecation' } });
    const result = await run.result();
    assert.equal(result.rules.find((r) => r.id === 'DIAL-05')?.status, 'passed', result.rules.find((r) => r.id === 'DIAL-05')?.message);
    assert.equal(run.code, 0, JSON.stringify(result.rules.filter((r) => r.status === 'failed')));
    assert.doesNotMatch(run.stderr, /DeprecationWarning|RFC 6066/);
  });

  it('a CN-only certificate fails DIAL-05 with Go\'s legacy Common Name text and the SAN fix, also through --address 127.0.0.1', async () => {
    const cnOnly = issue(tls.ca, { commonName: 'localhost', extendedKeyUsage: ['serverAuth'] });
    const certFile = join(dir.path, 'cn-only.pem');
    const keyFile = join(dir.path, 'cn-only.key');
    await writeFile(certFile, cnOnly.certPem);
    await writeFile(keyFile, cnOnly.keyPem, { mode: 0o600 });
    for (const flag of [[], ['--address']] as const) {
      const port = await freePort();
      const pkg = await writeSamplePackage(join(dir.path, `cn-${flag.length}.tgz`), { address: `localhost:${port}`, connection: { dial_timeout: '2s', tls_required: true, root_cert: tls.ca.certPem } });
      const extra = flag.length > 0 ? ['--address', `127.0.0.1:${port}`] : [];
      const run = await runCli([pkg, '--command', nodeServerCommand({ certFile, keyFile }), ...extra], { reportDir: join(dir.path, `r-cn-${flag.length}`), timeoutMs: 400_000 });
      const result = await run.result();
      const dial05 = result.rules.find((r) => r.id === 'DIAL-05');
      assert.equal(dial05?.status, 'failed', dial05?.message);
      assert.match(dial05?.message ?? '', /x509: certificate relies on legacy Common Name field, use SANs instead/);
      assert.match(dial05?.message ?? '', /the peer checks "localhost"/);
      assert.doesNotMatch(dial05?.message ?? '', /checks "127\.0\.0\.1"/);
      assert.match(dial05?.remedy ?? '', /subjectAltName extension naming DNS:localhost.*Go 1\.15/);
      assert.match(result.rules.find((r) => r.id === 'DIAL-10')?.message ?? '', /legacy Common Name field/);
      assert.equal(run.code, 1);
      await assertCausesShown(run, result);
    }
  });

  it('a Go-like server that panics and exits: DIAL-12 fails with its exit status and last lines, whole; nothing is blocked by itself', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'panic.tgz'), { address: `127.0.0.1:${port}`, connection: { dial_timeout: '120s' } });
    const run = await runCli([pkg, '--command', PANICKING], { reportDir: join(dir.path, 'r-panic'), timeoutMs: 400_000 });
    const result = await run.result();
    assert.equal(run.code, 1);
    assert.equal(result.verdict, 'non-conformant');
    const rule = result.rules.find((r) => r.id === 'DIAL-12');
    assert.equal(rule?.status, 'failed');
    assert.match(rule?.message ?? '', /the --command server exited \(exit status 2\) before it listened on 127\.0\.0\.1:\d+\. It could not resolve the host/);
    // lines whole, though the server wrote them in pieces that split them
    assert.match(rule?.message ?? '', /\npanic: error starting chaincode: listen tcp: lookup 127\.0\.0\.1: no such host\ngoroutine 1 \[running\]:\nmain\.main\(\)\n\t\/go\/src\/chaincode\/main\.go:42 \+0x2b4$/);
    assert.match(rule?.peerError ?? '', new RegExp(`error creating grpc connection to 127\\.0\\.0\\.1:${port}: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused"$`));
    for (const id of ['DIAL-03', 'DIAL-06', 'PROTO-04']) assert.equal(result.rules.find((r) => r.id === id)?.blockedBy, 'DIAL-12', id);
    assert.match(run.stdout, /✗ DIAL-12 \[MUST\]/);
    await assertCausesShown(run, result);
    process.stdout.write(`# panicking server: ${run.ms} ms\n`);
    assert.ok(run.ms < HANG_MS, `${run.ms} ms: the dead server was waited for`);
  });

  it('a server that listens on another port than it was told: DIAL-12 names both, without waiting for the start timeout', { skip: process.platform !== 'linux' ? 'needs Linux /proc' : false }, async () => {
    const port = await freePort();
    const wrong = `exec ${JSON.stringify(process.execPath)} -e "require('net').createServer().listen(Number(process.env.CHAINCODE_SERVER_ADDRESS.split(':').pop()) + 1, '127.0.0.1')"`;
    const pkg = await writeSamplePackage(join(dir.path, 'wrong-port.tgz'), { address: `127.0.0.1:${port}` });
    const run = await runCli([pkg, '--command', wrong, '--quiet'], { reportDir: join(dir.path, 'r-wrong-port'), timeoutMs: 400_000 });
    const result = await run.result();
    const rule = result.rules.find((r) => r.id === 'DIAL-12');
    assert.equal(rule?.status, 'failed');
    // the start timeout (30 s) would say "did not listen ... within 30000 ms" instead
    assert.match(rule?.message ?? '', new RegExp(`^the --command server listens on 127\\.0\\.0\\.1:${port + 1}, not on 127\\.0\\.0\\.1:${port} \\(unchanged for 5 s\\), where it was told to listen`));
    assert.equal(run.code, 1);
  });

  it('a host that does not resolve, without --command or --resolve: DIAL-04 with the peer\'s lookup text and the hint, within dial_timeout', async () => {
    const pkg = await writeSamplePackage(join(dir.path, 'nxdomain.tgz'), { address: `${SERVICE}:9999`, connection: { dial_timeout: '120s' } });
    const run = await runCli([pkg], { reportDir: join(dir.path, 'r-nxdomain'), timeoutMs: 400_000 });
    const result = await run.result();
    const rule = result.rules.find((r) => r.id === 'DIAL-04');
    assert.equal(rule?.status, 'failed', rule?.message);
    assert.match(rule?.peerError ?? '', new RegExp(`error creating grpc connection to ${SERVICE.replace(/\./g, '\\.')}:9999: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp: lookup ${SERVICE.replace(/\./g, '\\.')} on <the peer's DNS server>: no such host"$`));
    assert.match(rule?.remedy ?? '', new RegExp(`--resolve ${SERVICE.replace(/\./g, '\\.')}:9999:127\\.0\\.0\\.1`));
    assert.equal(run.code, 1);
    await assertCausesShown(run, result);
    process.stdout.write(`# unresolvable host: ${run.ms} ms\n`);
    assert.ok(run.ms < HANG_MS, `${run.ms} ms: dial_timeout (120 s) was waited out`);
  });
});

