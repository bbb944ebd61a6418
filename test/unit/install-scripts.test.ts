import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * `npm ci` installs without an install-scripts warning: every dependency with an install script is
 * reviewed in package.json's allowScripts (protobufjs's postinstall only warns projects that
 * depend on protobufjs directly with another version scheme; esbuild's checks its platform
 * binary, which the optional @esbuild/<platform> package already brings: both are denied).
 */

const ROOT = resolve(__dirname, '..', '..', '..');

describe('install scripts', () => {
  it('package.json reviews every dependency install script (npm install-scripts ls is empty)', (t) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    assert.equal(pkg.allowScripts?.['protobufjs'], false, 'protobufjs postinstall must be reviewed (denied) in allowScripts');
    assert.equal(pkg.allowScripts?.['esbuild'], false, 'esbuild postinstall must be reviewed (denied) in allowScripts');
    const r = spawnSync('npm', ['install-scripts', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.error || (r.status !== 0 && /Unknown command|not a recognized/i.test(r.stderr + r.stdout))) {
      if (process.env['CI'] === 'true') assert.fail(`npm install-scripts is unavailable: ${r.error?.message ?? r.stderr}`);
      t.skip(`this npm has no install-scripts command (${r.error?.message ?? r.stderr.split('\n')[0]})`);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { allowScripts: unknown[] }).allowScripts, [], `unreviewed install scripts:\n${r.stdout}`);
  });
});
