import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

/**
 * The CI face of the CLI, end to end: --expected-failures (stale entries fail the run, by name),
 * --run/--skip, the re-run line, --quiet, usage errors before anything runs, list and explain.
 * Offline runs: no chaincode server needed.
 */

describe('CLI for CI pipelines', () => {
  let dir: { path: string; remove(): Promise<void> };
  let good: string;
  let docBool: string;
  const sampleBuilder = join(ROOT, 'mocks', 'builders', 'sample-external');

  before(async () => {
    dir = await tempDir();
    good = await writeSamplePackage(join(dir.path, 'good.tgz'), { address: 'localhost:9999' });
    docBool = await writeSamplePackage(join(dir.path, 'doc-bool.tgz'), { address: '', type: 'external', rawConnectionJson: '{"address":"localhost:9999","dial_timeout":"10s","tls_required":"true"}' });
  });
  after(async () => dir.remove());

  it('a stale expected-failure entry fails the run with a message naming it', async () => {
    const xf = join(dir.path, 'stale.txt');
    await writeFile(xf, '# we used to fail this\nPKG-07  # package ID was wrong\n');
    const run = await runCli([good, '--offline', '--expected-failures', xf], { reportDir: join(dir.path, 'stale') });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`stale expected-failure: PKG-07 is listed in ${xf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} but now passes; remove it from the list`));
    const result = await run.result();
    assert.deepEqual(result.gate.stale, ['PKG-07']);
    assert.equal(result.rules.find((r) => r.id === 'PKG-07')?.status, 'passed');
    assert.match(await run.file('junit.xml'), /<failure message="stale expected-failure: PKG-07 is listed in/);
    assert.match(await run.file('index.html'), /stale expected-failure/);
  });

  it('listed failures (and what they block) do not fail the run; the verdict still says not conformant', async () => {
    const first = await runCli([docBool, '--builder', sampleBuilder, '--offline', '--quiet'], { reportDir: join(dir.path, 'xf-first') });
    assert.equal(first.code, 1, first.stderr);
    const failedIds = (await first.result()).rules.filter((r) => r.status === 'failed').map((r) => r.id);
    assert.ok(failedIds.length > 0);
    const xf = join(dir.path, 'xf.yaml');
    await writeFile(xf, failedIds.map((id) => `- ${id} # the docs' "true"`).join('\n'));
    const run = await runCli([docBool, '--builder', sampleBuilder, '--offline', '--expected-failures', xf, '--json'], { reportDir: join(dir.path, 'xf') });
    assert.equal(run.code, 0, run.stderr);
    const result = await run.result();
    assert.equal(result.verdict, 'non-conformant');
    for (const id of failedIds) assert.equal(result.rules.find((r) => r.id === id)?.status, 'expected-failure', id);
    assert.match(run.stderr, /expected failures? \(/);
  });

  it('--run/--skip select rules; the others are disabled (selection) and the verdict is partial', async () => {
    const run = await runCli([good, '--offline', '--run', 'PKG-*', '--skip', 'PKG-12', '--quiet'], { reportDir: join(dir.path, 'sel') });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout + run.stderr, '', '--quiet prints nothing');
    const result = await run.result();
    assert.equal(result.verdict, 'partial');
    for (const r of result.rules) {
      if (r.id.startsWith('PKG-') && r.id !== 'PKG-12') assert.equal(r.status, 'passed', r.id);
      else {
        assert.equal(r.status, 'disabled', r.id);
        assert.equal(r.reason, 'selection', r.id);
      }
    }
  });

  it('prints stage progress and a re-run line for what did not pass', async () => {
    const run = await runCli([docBool, '--builder', sampleBuilder, '--offline', '--skip', 'DRIFT-*'], { reportDir: join(dir.path, 'rerun') });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^· the peer installs the package$/m);
    const line = /re-run what did not pass: (npx ccaas-conformance .*)$/m.exec(run.stdout)?.[1] ?? '';
    assert.ok(line.includes(' --run '), run.stdout);
    assert.ok(!line.includes('--skip'), 'the re-run line replaces the selection');
    const failed = (await run.result()).rules.filter((r) => r.status === 'failed').map((r) => r.id);
    for (const id of failed) assert.ok(line.includes(id), `${id} missing from ${line}`);
  });

  it('refuses bad options before running anything (exit 2)', async () => {
    const badPattern = await runCli([good, '--offline', '--run', 'NOPE-*'], { reportDir: join(dir.path, 'bad1') });
    assert.equal(badPattern.code, 2);
    assert.match(badPattern.stderr, /--run NOPE-\* matches no rule/);
    const xf = join(dir.path, 'typo.txt');
    await writeFile(xf, 'PKG-07\nPROTO-99\n');
    const badFile = await runCli([good, '--offline', '--expected-failures', xf], { reportDir: join(dir.path, 'bad2') });
    assert.equal(badFile.code, 2);
    assert.match(badFile.stderr, /typo\.txt:2: unknown rule id PROTO-99/);
    const badLevel = await runCli([good, '--offline', '--level', 'may'], { reportDir: join(dir.path, 'bad3') });
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.stderr, /--level takes must or should/);
  });

  it('list prints every catalogue rule; explain maps a peer log line to its rule', async () => {
    const list = await runCli(['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rules = JSON.parse(list.stdout) as Array<{ id: string; level: string; title: string; source: Array<{ url: string }>; scenario: boolean }>;
    assert.ok(rules.length >= 100);
    const p4 = rules.find((r) => r.id === 'PROTO-04');
    assert.equal(p4?.level, 'MUST');
    assert.equal(p4?.scenario, true);
    assert.match(p4?.source[0]?.url ?? '', /core\/chaincode\/handler\.go$/);
    const text = await runCli(['list', '--level', 'should']);
    assert.match(text.stdout, /DRIFT-01 +SHOULD/);
    assert.ok(!/PKG-01 +MUST/.test(text.stdout));

    const ex = await runCli(['explain', 'ERRO peer will not accept external chaincode connection mycc (except in dev mode)']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.match(ex.stdout, /^PROTO-04 \[MUST\] REGISTER carries the exact package ID$/m);
    assert.match(ex.stdout, /Checks to run:\n {4}\$ npx ccaas-conformance id <pkg>/);
    const none = await runCli(['explain', 'all good here']);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /No known peer error/);
  });
});
