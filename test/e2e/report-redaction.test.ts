import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { freePort, runCli, tempDir, type CliRun } from '../support/cli.js';
import { makeTlsWorld, type TlsWorld } from '../support/pki.js';

/**
 * Private keys never appear in any artifact. Keys are planted where users leak them: in
 * connection.json (client_key, an extra private_key field, base64 of a PEM in another field), in
 * builder stderr (whole, and cut so that only its tail is captured), in the chaincode server's
 * output and in the --command line itself. Then every artifact is searched for every line of
 * every key: messages.ndjson, cucumber.html, index.html, junit.xml, result.json, the console.
 */

const ARTIFACTS = ['messages.ndjson', 'cucumber.html', 'index.html', 'junit.xml', 'result.json'] as const;

interface Planted {
  readonly name: string;
  readonly pem: string;
}

function newKey(name: string, kind: 'ec' | 'rsa'): Planted {
  const k = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return { name, pem: k.export({ format: 'pem', type: kind === 'ec' ? 'sec1' : 'pkcs1' }).toString() };
}

/** Every fragment that would betray a key: its base64 lines, and pieces of its base64-of-PEM form. */
function fragments(k: Planted): string[] {
  const lines = k.pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
  const b64 = Buffer.from(k.pem).toString('base64');
  const chunks = (b64.match(/.{40}/g) ?? []).slice(0, 6);
  return [...lines, ...chunks];
}

function assertNoKeys(run: CliRun, texts: Readonly<Record<string, string>>, keys: readonly Planted[]): void {
  const all: Record<string, string> = { ...texts, stdout: run.stdout, stderr: run.stderr };
  for (const [where, text] of Object.entries(all)) {
    assert.ok(!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text), `${where}: a PEM private key header`);
    for (const k of keys) for (const f of fragments(k)) assert.ok(!text.includes(f), `${where}: ${k.name} leaked (${f.slice(0, 24)}…)`);
  }
}

/** Every file the run wrote into its report directory (the five known artifacts must be among them). */
async function artifacts(run: CliRun): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const names = await readdir(run.reportDir);
  for (const a of ARTIFACTS) assert.ok(names.includes(a), `${a} was not written`);
  for (const name of names) out[name] = await run.file(name);
  return out;
}

async function builder(dir: string, keyFile: string, fail: boolean): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const files: Record<string, string> = {
    detect: '#!/bin/sh\nexit 0\n',
    build: `#!/bin/sh\necho "build: using key" >&2\ncat '${keyFile}' >&2\necho "build: done" >&2\n${fail ? 'echo "build: giving up after the key" >&2\nexit 1\n' : ''}cp "$1/connection.json" "$3/connection.json"\n`,
    release: '#!/bin/sh\nmkdir -p "$2/chaincode/server" && cp "$1/connection.json" "$2/chaincode/server/connection.json"\n',
  };
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(bin, name), text);
    await chmod(join(bin, name), 0o755);
  }
  return dir;
}

describe('redaction: planted private keys never reach an artifact', () => {
  let dir: { path: string; remove(): Promise<void> };
  let tls: TlsWorld;
  const stderrKey = newKey('builder stderr key', 'rsa');
  const serverKey = newKey('server output key', 'ec');
  const commandKey = newKey('--command key (base64)', 'ec');
  const extraKey = newKey('connection.json private_key', 'ec');
  const noteKey = newKey('connection.json base64 note', 'ec');

  before(async () => {
    dir = await tempDir();
    tls = await makeTlsWorld(dir.path);
    await writeFile(join(dir.path, 'stderr.key'), stderrKey.pem);
    await writeFile(join(dir.path, 'server.key.txt'), serverKey.pem);
  });
  after(async () => dir.remove());

  const connection = (): Record<string, unknown> => ({
    tls_required: true,
    client_auth_required: true,
    root_cert: tls.ca.certPem,
    client_cert: tls.client.certPem,
    client_key: tls.client.keyPem,
    private_key: extraKey.pem,
    note: Buffer.from(noteKey.pem).toString('base64'),
  });

  it('a passing mutual-TLS run with keys in connection.json, builder stderr, server output and the command line', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'keys.tgz'), { address: `localhost:${port}`, type: 'external', connection: connection() });
    const b = await builder(join(dir.path, 'leaky-builder'), join(dir.path, 'stderr.key'), false);
    const server = nodeServerCommand({ certFile: tls.files.serverCert, keyFile: tls.files.serverKey, clientCaFile: tls.files.caCert });
    const command = `cat '${join(dir.path, 'server.key.txt')}'; echo 'CORE_PEER_TLS_KEY_PATH=${Buffer.from(commandKey.pem).toString('base64')}' >&2; ${server}`;
    const run = await runCli([pkg, '--builder', b, '--command', command], { reportDir: join(dir.path, 'ok') });
    const result = await run.result();
    assert.equal(result.rules.find((r) => r.id === 'DIAL-05')?.status, 'passed', `${run.stdout}\n${run.stderr}`);
    const texts = await artifacts(run);
    // The keys were really there to leak: the evidence carries the stderr and server output.
    assert.match(texts['index.html'] ?? '', /build: using key/);
    assert.match(texts['messages.ndjson'] ?? '', /\[REDACTED PRIVATE KEY\]/);
    assertNoKeys(run, texts, [stderrKey, serverKey, commandKey, extraKey, noteKey, { name: 'client_key', pem: tls.client.keyPem }]);
    for (const line of texts['messages.ndjson']?.split('\n').filter((l) => l.trim()) ?? []) assert.doesNotThrow(() => JSON.parse(line));
  });

  it('a failing build whose error message quotes the tail of a key from stderr', async () => {
    const pkg = await writeSamplePackage(join(dir.path, 'fail.tgz'), { address: 'localhost:1', type: 'external', connection: connection() });
    const b = await builder(join(dir.path, 'failing-builder'), join(dir.path, 'stderr.key'), true);
    const run = await runCli([pkg, '--builder', b, '--offline'], { reportDir: join(dir.path, 'fail') });
    assert.equal(run.code, 1, run.stderr);
    const bld12 = (await run.result()).rules.find((r) => r.id === 'BLD-12');
    assert.equal(bld12?.status, 'failed');
    assert.match(bld12?.message ?? '', /giving up after the key/, 'the stderr tail is quoted');
    assertNoKeys(run, await artifacts(run), [stderrKey, extraKey, noteKey, { name: 'client_key', pem: tls.client.keyPem }]);
  });
});
