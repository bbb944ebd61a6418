import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { runCli, tempDir } from '../support/cli.js';
import { entryBlocks, gzipBytes, simplePackage, tarBytes, zeroBombGzip } from '../unit/package-fixtures.js';

/**
 * The harness's own limits (PKG-16) through the CLI: a hostile package gives a finished report
 * whose verdict is `error` (exit 3: the run says nothing about the package, the real peer has no
 * such limit), never a failure of the package; --max-* move the limits; bad values are usage errors.
 */

describe('harness limits through the CLI (PKG-16)', () => {
  let dir: { path: string; remove(): Promise<void> };
  before(async () => {
    dir = await tempDir('limits-cli-');
  });
  after(async () => dir.remove());

  it('a 4 KB decompression bomb: a finished report, verdict error, the limit named with the flag that moves it', async () => {
    const entryHeader = entryBlocks({ name: 'zeros', body: Buffer.alloc(0), size: 1024 * (1 << 20) }).subarray(0, 512);
    const outer = gzipSync(tarBytes([{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"bomb"}') }, { name: 'code.tar.gz', body: zeroBombGzip(entryHeader, 1024) }]), { level: 9 });
    const pkg = join(dir.path, 'bomb.tgz');
    await writeFile(pkg, outer);
    const run = await runCli([pkg, '--offline', '--quiet'], { reportDir: join(dir.path, 'r-bomb'), timeoutMs: 60_000 });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const result = await run.result();
    assert.equal(result.verdict, 'error');
    const limit = result.rules.find((r) => r.id === 'PKG-16');
    assert.equal(limit?.status, 'error');
    assert.match(limit?.message ?? '', /decompression ratio above 200:1.*the real peer has no such limit.*--max-ratio/);
    assert.ok(result.gate.reasons.some((r) => r.startsWith('the harness failed on PKG-16')), JSON.stringify(result.gate.reasons));
    assert.match(await run.file('index.html'), /PKG-16/);
  });

  it('--max-metadata below the sample\'s metadata.json stops there; the default limits pass PKG-16', async () => {
    const pkg = await writeSamplePackage(join(dir.path, 'sample.tgz'), { address: 'localhost:9999' });
    const small = await runCli([pkg, '--offline', '--quiet', '--max-metadata', '8'], { reportDir: join(dir.path, 'r-small') });
    assert.equal(small.code, 3);
    assert.match((await small.result()).rules.find((r) => r.id === 'PKG-16')?.message ?? '', /larger than the harness limit of 8 bytes/);
    const normal = await runCli([pkg, '--offline', '--quiet'], { reportDir: join(dir.path, 'r-normal') });
    assert.equal(normal.code, 0, normal.stderr);
    assert.equal((await normal.result()).rules.find((r) => r.id === 'PKG-16')?.status, 'passed');
    for (const bad of [['--max-entries', '1K'], ['--max-bytes', '-1'], ['--max-ratio', 'x']]) {
      const r = await runCli([pkg, '--offline', '--quiet', ...bad], { reportDir: join(dir.path, 'r-bad') });
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`option ${bad[0]} takes a positive whole number`));
    }
  });

  it('--max-entries lets a trusted large package through both the install parse and the builders\' extraction', async () => {
    const files = Array.from({ length: 10_100 }, (_, i) => ({ name: `assets/f${i}.txt`, body: Buffer.from(String(i)) }));
    const code = gzipBytes(tarBytes([{ name: 'connection.json', body: Buffer.from('{"address":"localhost:9999","dial_timeout":"10s"}') }, ...files]));
    const pkg = join(dir.path, 'large.tgz');
    await writeFile(pkg, simplePackage({ metadata: '{"type":"ccaas","label":"large"}', code }));
    const capped = await runCli([pkg, '--offline', '--quiet'], { reportDir: join(dir.path, 'r-large-capped'), timeoutMs: 240_000 });
    assert.equal(capped.code, 3, 'stopped at the default cap of 10,000 headers');
    const raised = await runCli([pkg, '--offline', '--quiet', '--max-entries', '20000'], { reportDir: join(dir.path, 'r-large'), timeoutMs: 240_000 });
    const result = await raised.result();
    const status = (id: string): string | undefined => result.rules.find((r) => r.id === id)?.status;
    assert.deepEqual(['PKG-16', 'CODE-01', 'BLD-06', 'CONN-01'].map(status), ['passed', 'passed', 'passed', 'passed'], JSON.stringify(result.rules.filter((r) => r.status !== 'passed' && r.status !== 'disabled')));
    assert.equal(raised.code, 0, raised.stderr);
  });
});
