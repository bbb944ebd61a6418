import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { freePort, ROOT, runCli, tempDir } from '../support/cli.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';

/**
 * Acceptance of the walking skeleton, end to end through the real CLI, the bundled ccaas builder
 * and the real fabric-shim server (`fabric-chaincode-node server`) started with --command.
 */

describe('walking skeleton: the CLI against the real Node shim server', () => {
  let dir: { path: string; remove(): Promise<void> };
  let tls: TlsWorld;

  before(async () => {
    dir = await tempDir();
    tls = await makeTlsWorld(dir.path);
  });
  after(async () => dir.remove());

  it('judges the sample package against the sample server conformant, every MUST rule passed', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: `localhost:${port}` });
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--json', '--quiet'], { reportDir: join(dir.path, 'ok') });
    const result = await run.result();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(result.verdict, 'conformant');
    assert.equal(result.schema, 'ccaas-conformance/result@1');
    assert.match(result.package.packageId ?? '', /^asset_ccaas:[0-9a-f]{64}$/);
    const must = result.rules.filter((r) => r.level === 'MUST');
    assert.ok(must.length >= 20, `expected the MUST rules of every stage, got ${must.length}`);
    for (const r of must) assert.ok(r.status === 'passed' || (r.status === 'disabled' && /not applicable/.test(r.message)), `${r.id} ${r.status}: ${r.message}`);
    for (const id of ['PKG-07', 'BLD-06', 'CONN-03', 'DIAL-03', 'PROTO-04', 'PROTO-07']) {
      assert.equal(result.rules.find((r) => r.id === id)?.status, 'passed', id);
    }
    assert.deepEqual(JSON.parse(run.stdout), result, '--json prints result.json to stdout');
    const html = await run.file('index.html');
    assert.match(html, /CONFORMANT/);
    assert.ok(html.includes(result.package.packageId ?? 'missing'));
    assert.match(await run.file('junit.xml'), /<testsuites name="ccaas-conformance"/);
    assert.match(await run.file('cucumber.html'), /<html/i);
  });

  it('gives the same verdict with Cucumber loaded from node_modules (CCAAS_CUCUMBER_BUNDLE=0) as from its bundle', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'sample-modules.tgz'), { address: `localhost:${port}` });
    const bundled = await runCli([pkg, '--command', nodeServerCommand(), '--quiet'], { reportDir: join(dir.path, 'bundled') });
    const modules = await runCli([pkg, '--command', nodeServerCommand(), '--quiet'], { reportDir: join(dir.path, 'modules'), env: { CCAAS_CUCUMBER_BUNDLE: '0' } });
    assert.equal(bundled.code, 0, bundled.stderr);
    assert.equal(modules.code, 0, modules.stderr);
    const [a, b] = [await bundled.result(), await modules.result()];
    assert.equal(b.verdict, 'conformant');
    const statuses = (r: typeof a): string[] => r.rules.map((x) => `${x.id} ${x.status}`);
    assert.deepEqual(statuses(b), statuses(a));
    assert.deepEqual(b.counts, a.counts);
  });

  it('reports a server registered with the wrong package ID in seconds, not after 300 s', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'wrong-id.tgz'), { address: `localhost:${port}` });
    const wrong = `CORE_CHAINCODE_ID=asset_ccaas:${'0'.repeat(64)} ${nodeServerCommand()}`;
    const run = await runCli([pkg, '--command', wrong, '--quiet'], { reportDir: join(dir.path, 'wrong') });
    const result = await run.result();
    assert.equal(run.code, 1, run.stderr);
    const reg = result.rules.find((r) => r.id === 'PROTO-04');
    assert.equal(reg?.status, 'failed');
    assert.equal(reg?.peerError, `peer will not accept external chaincode connection asset_ccaas:${'0'.repeat(64)} (except in dev mode)`);
    // a hang guard only (many times the few seconds it takes); the peer's text above is the check
    assert.ok(run.ms < 60_000, `took ${run.ms} ms: the CLI hung`);
  });

  it('fails tls_required "true" (as the Fabric docs write it) with the peer\'s Go unmarshal error', async () => {
    const port = await freePort();
    const raw = `{"address":"localhost:${port}","dial_timeout":"10s","tls_required":"true"}`;
    const pkg = await writeSamplePackage(join(dir.path, 'doc-bool.tgz'), { address: '', type: 'external', rawConnectionJson: raw });
    const run = await runCli([pkg, '--builder', join(ROOT, 'mocks', 'builders', 'sample-external'), '--quiet'], { reportDir: join(dir.path, 'docbool') });
    const result = await run.result();
    assert.equal(run.code, 1, run.stderr);
    const conn = result.rules.find((r) => r.id.startsWith('CONN-') && r.status === 'failed');
    assert.ok(conn, JSON.stringify(result.rules.filter((r) => r.id.startsWith('CONN-'))));
    assert.ok(
      (conn.peerError ?? '').includes('cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool'),
      conn.peerError ?? '',
    );
  });

  it('rejects a file that is not gzip with the peer\'s text, and a missing path with exit 2', async () => {
    const notGzip = join(dir.path, 'plain.txt');
    await writeFile(notGzip, 'this is not a chaincode package, not even gzip\n');
    const run = await runCli([notGzip, '--offline', '--quiet'], { reportDir: join(dir.path, 'notgz') });
    const result = await run.result();
    assert.equal(run.code, 1, run.stderr);
    const pkg01 = result.rules.find((r) => r.id === 'PKG-01');
    assert.equal(pkg01?.status, 'failed');
    assert.match(pkg01?.peerError ?? '', /error reading as gzip stream: gzip: invalid header/);

    const missing = await runCli([join(dir.path, 'no-such.tgz'), '--quiet'], { reportDir: join(dir.path, 'missing') });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
  });

  it('passes mutual TLS with the right certificates', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'mtls.tgz'), {
      address: `localhost:${port}`,
      connection: { tls_required: true, client_auth_required: true, root_cert: tls.ca.certPem, client_cert: tls.client.certPem, client_key: tls.client.keyPem },
    });
    const cmd = nodeServerCommand({ certFile: tls.files.serverCert, keyFile: tls.files.serverKey, clientCaFile: tls.files.caCert });
    const run = await runCli([pkg, '--command', cmd, '--quiet'], { reportDir: join(dir.path, 'mtls') });
    const result = await run.result();
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(result.rules.filter((r) => r.status !== 'passed'), null, 1)}`);
    assert.equal(result.rules.find((r) => r.id === 'DIAL-05')?.status, 'passed');
  });

  it('fails mutual TLS without a client certificate with a DIAL rule that names the cause', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'mtls-nocert.tgz'), {
      address: `localhost:${port}`,
      connection: { tls_required: true, client_auth_required: false, root_cert: tls.ca.certPem },
    });
    const cmd = nodeServerCommand({ certFile: tls.files.serverCert, keyFile: tls.files.serverKey, clientCaFile: tls.files.caCert });
    const run = await runCli([pkg, '--command', cmd, '--quiet'], { reportDir: join(dir.path, 'mtls-nocert') });
    const result = await run.result();
    assert.equal(run.code, 1, run.stderr);
    const dial = result.rules.find((r) => r.id.startsWith('DIAL-') && r.status === 'failed');
    assert.ok(dial, JSON.stringify(result.rules));
    assert.match(dial.message, /client certificate/);
    assert.match(dial.peerError ?? '', /^could not launch chaincode asset_ccaas:[0-9a-f]{64}: connection to/);
  });
});
