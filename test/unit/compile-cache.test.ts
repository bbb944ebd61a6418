import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileCacheDir } from '../../src/cli/compileCache.js';

/**
 * The compile cache (src/cli/compileCache.ts): modules behave as without it (exports, `require`,
 * `require.resolve`, line numbers in stacks, a #! first line), their bytecode is written once
 * and reused, an edited file gets a new entry, and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */

const CACHE_MODULE = resolve(__dirname, '../../src/cli/compileCache.js');
const work = mkdtempSync(join(tmpdir(), 'ccaas-compile-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

const lib = join(work, 'lib');
const entry = join(work, 'entry.js');
function writeModules(bValue: number): void {
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(join(lib, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(lib, 'a.js'), "#!/usr/bin/env node\nconst b = require('./b.js');\nmodule.exports = { b, dep: require('dep'), where: require.resolve('./b.js'), paths: require.resolve.paths('dep'), main: require.main === module };\n");
  writeFileSync(join(lib, 'b.js'), `exports.value = ${bValue};\nexports.fail = () => {\n  throw new Error('from b');\n};\n`);
  writeFileSync(join(lib, 'node_modules', 'dep', 'package.json'), '{"name":"dep","main":"main.js"}');
  writeFileSync(join(lib, 'node_modules', 'dep', 'main.js'), "module.exports = 'dep ok';\n");
  writeFileSync(join(lib, 'dynamic.js'), "module.exports = () => import('node:os').then((m) => typeof m.cpus);\n");
}
writeFileSync(
  entry,
  [
    `const { enableCompileCache } = require(${JSON.stringify(CACHE_MODULE)});`,
    'const on = enableCompileCache(process.argv[2]);',
    `const a = require(${JSON.stringify(join(work, 'lib', 'a.js'))});`,
    "let line = null; try { a.b.fail(); } catch (e) { line = /b\\.js:(\\d+)/.exec(e.stack)[1]; }",
    `require(${JSON.stringify(join(work, 'lib', 'dynamic.js'))})().then((cpus) => {`,
    '  process.stdout.write(JSON.stringify({ on, value: a.b.value, dep: a.dep, where: a.where, paths: a.paths.length > 0, main: a.main, line, cpus }));',
    '});',
  ].join('\n'),
);

function run(dir: string, env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const r = spawnSync(process.execPath, [entry, dir], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', NODE_V8_COVERAGE: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('the compile cache', () => {
  it('lives in the user cache directory, per Node version', () => {
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), join('/x/cache', 'ccaas-conformance', 'compile-cache', process.version));
    assert.equal(compileCacheDir({}, '/home/u'), join('/home/u', '.cache', 'ccaas-conformance', 'compile-cache', process.version));
    // a relative XDG_CACHE_HOME is invalid (XDG base directory spec): ignored
    assert.equal(compileCacheDir({ XDG_CACHE_HOME: 'rel' }, '/home/u'), join('/home/u', '.cache', 'ccaas-conformance', 'compile-cache', process.version));
  });

  it('leaves modules as they are, writes their bytecode once, reuses it, and keys it by content', () => {
    writeModules(1);
    const dir = join(work, 'cache');
    const want = { on: true, value: 1, dep: 'dep ok', where: join(lib, 'b.js'), paths: true, main: false, line: '3', cpus: 'function' };
    assert.deepEqual(run(dir), want);
    const first = readdirSync(dir);
    // Node >= 22.1 keeps its own layout; on Node 20 one private entry per module without import()
    if (process.versions.node.split('.').map(Number)[0] === 20) {
      assert.equal(first.length, 3, `entries: ${first.join(', ')} (a.js, b.js, dep; not dynamic.js, not the entry loaded before)`);
      for (const f of first) assert.equal(statSync(join(dir, f)).mode & 0o077, 0, 'entries are private to the user');
      assert.equal(statSync(dir).mode & 0o077, 0, 'the directory is private to the user');
    }
    assert.deepEqual(run(dir), want, 'the same results from the cache');
    assert.deepEqual(readdirSync(dir).sort(), [...first].sort(), 'nothing new written on a second run');
    writeModules(2);
    assert.deepEqual(run(dir), { ...want, value: 2 }, 'an edited module is compiled again');
    assert.ok(readdirSync(dir).length > first.length, 'with an entry of its own');
  });

  it('is off in a directory others can write to', () => {
    writeModules(1);
    const dir = join(work, 'shared');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    assert.equal(run(dir)['on'], false);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE=1, and under coverage (NODE_V8_COVERAGE)', () => {
    writeModules(1);
    const dir = join(work, 'off');
    assert.equal(run(dir, { NODE_DISABLE_COMPILE_CACHE: '1' })['on'], false);
    assert.equal(run(dir, { NODE_V8_COVERAGE: join(work, 'coverage') })['on'], false);
    assert.throws(() => readdirSync(dir), /ENOENT/);
  });
});
