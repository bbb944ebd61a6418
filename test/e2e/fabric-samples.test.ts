import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goSync } from '../../mocks/mirrors.js';
import type { ResultJson } from '../../src/report/result.js';
import { freePort, runCli, tempDir } from '../support/cli.js';

/**
 * Optional: fabric-samples' own CCaaS chaincode, built from a local source tree and judged
 * through the CLI as a user would. asset-transfer-basic/chaincode-external (Go, fabric-contract-api-go
 * in server mode), packaged as its README says (`tar cfz code.tar.gz connection.json`, type
 * `external`) and built by the sample's own sampleBuilder (bash + jq). Nothing of the sample is
 * copied into this repository: it is read from the mirrors named by environment variables.
 *
 * FABRIC_SAMPLES_MIRROR: a bare git repository of hyperledger/fabric-samples (its HEAD is used).
 * The Go module proxy refuses github.com/hyperledger/*, so the sample's hyperledger modules come
 * from mirrors too: FABRIC_CONTRACT_API_GO_MIRROR, FABRIC_CHAINCODE_GO_MIRROR and
 * FABRIC_PROTOS_GO_APIV2_MIRROR, each at the tag the sample's go.mod requires.
 */

const SAMPLE = 'asset-transfer-basic/chaincode-external';
const MODULES: ReadonlyArray<{ module: string; env: string }> = [
  { module: 'github.com/hyperledger/fabric-contract-api-go/v2', env: 'FABRIC_CONTRACT_API_GO_MIRROR' },
  { module: 'github.com/hyperledger/fabric-chaincode-go/v2', env: 'FABRIC_CHAINCODE_GO_MIRROR' },
  { module: 'github.com/hyperledger/fabric-protos-go-apiv2', env: 'FABRIC_PROTOS_GO_APIV2_MIRROR' },
];

function tool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return !r.error && r.status === 0;
}

/** Why this test cannot run here (one line), or null. */
function skipReason(): string | null {
  if (!process.env['FABRIC_SAMPLES_MIRROR']) return 'FABRIC_SAMPLES_MIRROR is not set (a bare git repository of hyperledger/fabric-samples)';
  for (const m of MODULES) if (!process.env[m.env]) return `${m.env} is not set (a bare git repository of ${m.module.replace(/\/v2$/, '')}; the Go module proxy refuses github.com/hyperledger/*)`;
  if (!tool('go', ['version'])) return 'go is not installed';
  if (!tool('jq', ['--version'])) return 'jq is not installed (the sample\'s sampleBuilder needs it)';
  return null;
}

function sh(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** `git archive <rev> [path]` of a bare repository, extracted into `dest`. */
function archive(gitDir: string, rev: string, dest: string, path?: string): void {
  sh('mkdir', ['-p', dest], '/');
  const a = spawnSync('git', ['--git-dir', gitDir, 'archive', rev, ...(path ? [path] : [])], { maxBuffer: 512 * 1024 * 1024, timeout: 120_000 });
  assert.equal(a.status, 0, `git archive ${rev} of ${gitDir}: ${String(a.stderr)}`);
  const x = spawnSync('tar', ['x', '-C', dest], { input: a.stdout, timeout: 120_000 });
  assert.equal(x.status, 0, String(x.stderr));
}

const skip = skipReason();

describe('fabric-samples asset-transfer-basic/chaincode-external (Go) through the CLI', { skip: skip ?? false }, () => {
  let dir: { path: string; remove(): Promise<void> };
  let src = '';
  let binary = '';
  let pkg = '';

  before(async () => {
    dir = await tempDir('fabric-samples-');
    archive(process.env['FABRIC_SAMPLES_MIRROR'] as string, 'HEAD', dir.path, SAMPLE);
    src = join(dir.path, SAMPLE);
    // The sample's hyperledger modules from their mirrors, at the versions its go.mod requires.
    const gomod = await readFile(join(src, 'go.mod'), 'utf8');
    const edits: string[] = [];
    for (const m of MODULES) {
      const version = new RegExp(`${m.module.replace(/[./]/g, '\\$&')} (v[0-9][^\\s]*)`).exec(gomod)?.[1];
      assert.ok(version, `the sample's go.mod does not name ${m.module}`);
      const dest = join(dir.path, 'modules', m.module.split('/')[2] as string);
      archive(process.env[m.env] as string, version, dest);
      edits.push('-replace', `${m.module}=${dest}`);
    }
    sh('go', ['mod', 'edit', ...edits], src);
    binary = join(dir.path, 'asset-transfer-basic-external');
    const b = goSync(['build', '-buildvcs=false', '-o', binary, '.'], { cwd: src, timeoutMs: 540_000, env: { ...process.env, GOFLAGS: '-mod=mod' } });
    assert.equal(b.status, 0, `go build of the sample: ${b.stdout}${b.stderr}`);
    // Packaged as the sample's README does.
    const work = join(dir.path, 'pkg');
    sh('mkdir', ['-p', work], '/');
    sh('tar', ['cfz', join(work, 'code.tar.gz'), 'connection.json'], src);
    await copyFile(join(src, 'metadata.json'), join(work, 'metadata.json'));
    pkg = join(dir.path, 'asset-transfer-basic-external.tgz');
    sh('tar', ['cfz', pkg, 'metadata.json', 'code.tar.gz'], work);
  });
  after(async () => dir?.remove());

  it('is conformant with its own sampleBuilder, served by --command on a loopback address', async () => {
    const port = await freePort();
    const run = await runCli([pkg, '--builder', join(src, 'sampleBuilder'), '--command', binary, '--address', `127.0.0.1:${port}`, '--smoke', 'GetAllAssets', '--quiet'], { reportDir: join(dir.path, 'report'), timeoutMs: 120_000 });
    const result: ResultJson = await run.result();
    const notPassed = result.rules.filter((r) => r.level === 'MUST' && r.status !== 'passed' && !(r.status === 'disabled' && r.reason === 'not-applicable'));
    assert.deepEqual(notPassed.map((r) => `${r.id} ${r.status}: ${r.message}`), []);
    assert.equal(result.verdict, 'conformant');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(result.package.label, 'basic_1.0');
    assert.match(result.rules.find((r) => r.id === 'BLD-06')?.message ?? '', /builder 'sampleBuilder' detected the package/);
    assert.deepEqual(result.chaincodeAnswers, []);
  });
});
