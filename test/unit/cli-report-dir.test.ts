import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/cli/exit.js';
import { commitReport, discardStaging, prepareReportDir, REPORT_FILES } from '../../src/cli/reportDir.js';

/**
 * Issue 12, defects 5 and 6: the report directory is checked before any work (one line), the
 * report is staged and moved into place under a lock, and a lock left by a dead run is taken over.
 */

describe('the report directory', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-dir-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('refuses a file, a path under a file and a path /proc cannot hold, with one line and without hanging', async () => {
    const file = join(root, 'file');
    await writeFile(file, 'x');
    for (const [dir, why] of [[file, /it is a file, not a directory/], [join(file, 'a', 'b'), /is not a directory/], ['/proc/nope', /cannot create \/proc\/nope/]] as const) {
      await assert.rejects(prepareReportDir(dir), (e: unknown) => e instanceof InputError && why.test(e.message) && !e.message.includes('\n'));
    }
  });

  it('creates missing levels, stages, commits every file, and removes the staging directory', async () => {
    const dir = join(root, 'a', 'b', 'reports');
    const t = await prepareReportDir(dir);
    assert.equal(t.created, true);
    assert.equal(t.previous, false);
    for (const f of REPORT_FILES) await writeFile(join(t.staging, f), `new ${f}`);
    await commitReport(t);
    assert.deepEqual((await readdir(dir)).sort(), [...REPORT_FILES].sort());
    const again = await prepareReportDir(dir);
    assert.equal(again.previous, true);
    await discardStaging(again);
    assert.deepEqual((await readdir(dir)).sort(), [...REPORT_FILES].sort(), 'a discarded run leaves the previous report as it was');
  });

  it('takes over a lock whose run is dead; a file the run did not write does not survive from an older run', async () => {
    const dir = join(root, 'locked');
    const t = await prepareReportDir(dir);
    await writeFile(join(dir, 'junit.xml'), 'old');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, '.ccaas-conformance.lock'), String(dead));
    await writeFile(join(t.staging, 'result.json'), '{}');
    await commitReport(t);
    assert.deepEqual((await readdir(dir)).sort(), ['result.json']);
    assert.equal(await readFile(join(dir, 'result.json'), 'utf8'), '{}');
  });

  it('an empty directory this run created goes when the run is discarded', async () => {
    const dir = join(root, 'fresh');
    const t = await prepareReportDir(dir);
    await discardStaging(t);
    assert.equal((await readdir(root)).includes('fresh'), false);
  });
});
