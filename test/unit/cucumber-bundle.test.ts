import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLE, bundleInUse, cucumberRuntime } from '../../src/cucumber/index.js';
import { dynamicImport } from '../../src/cucumber/dynamicImport.js';
import { ROOT } from '../support/cli.js';

/**
 * Cucumber as one file (src/cucumber/build-bundle.mjs, run by `npm run build`): made from the
 * installed packages, with the same exports as its modules, no `import()` of its own, Node's match
 * indices instead of the polyfill, and one Cucumber per process for the CLI and the steps.
 */

const missing = existsSync(BUNDLE) ? null : 'no bundle: `npm run build` makes dist/src/cucumber/bundle.js';
/** Without the bundle these skip with the reason, except in CI, where the build must have made it. */
const skip = missing !== null && process.env['CI'] !== 'true' ? missing : false;

describe('the Cucumber bundle', () => {
  it('is there (npm run build made it)', { skip }, () => {
    assert.equal(missing, null);
  });

  it('is used unless CCAAS_CUCUMBER_BUNDLE=0 turns it off', { skip }, () => {
    assert.equal(bundleInUse({}), true);
    assert.equal(bundleInUse({ CCAAS_CUCUMBER_BUNDLE: '0' }), false);
  });

  it('exports what Cucumber\'s own modules export for a check', { skip }, () => {
    const bundled = require(BUNDLE) as Record<string, unknown>;
    const modules = require('../../src/cucumber/runtime.js') as Record<string, unknown>;
    assert.deepEqual(Object.keys(bundled).sort(), Object.keys(modules).sort());
    assert.deepEqual(Object.keys(bundled).sort(), ['World', 'runCucumber', 'supportCodeLibraryBuilder']);
    for (const k of Object.keys(modules)) assert.equal(typeof bundled[k], typeof modules[k], k);
  });

  it('is made from the installed Cucumber, without the match-indices polyfill and without an import() of its own', { skip }, () => {
    const text = readFileSync(BUNDLE, 'utf8');
    const installed = (JSON.parse(readFileSync(join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(text, new RegExp(`\\.version = "${installed.replace(/\./g, '\\.')}"`), `Cucumber ${installed}, as package-lock.json installs it`);
    assert.ok(!text.includes('regexp-tree'), 'the polyfill parses every step regexp with regexp-tree: not in the bundle');
    assert.ok(!/\bimport\(/.test(text), 'no import() in the bundle');
    assert.equal(text.split('require("./dynamicImport.js").dynamicImport(').length - 1, 4, 'Cucumber\'s four import() calls go through dynamicImport.js');
  });

  it('gives the CLI and the step definitions the same Cucumber', { skip }, () => {
    // A fresh process: whichever loads first, both see one supportCodeLibraryBuilder.
    const r = spawnSync(process.execPath, ['-e', [
      `const { cucumberRuntime } = require(${JSON.stringify(require.resolve('../../src/cucumber/index.js'))});`,
      `const steps = require(${JSON.stringify(require.resolve('../../steps/cucumber.js'))});`,
      'const rt = cucumberRuntime();',
      // a step defined through the steps' Given lands in the builder the runner finalizes
      'let n = 0;',
      "rt.supportCodeLibraryBuilder.reset(process.cwd(), () => String(n++));",
      "steps.Given('a step only this test defines', () => undefined);",
      'const library = rt.supportCodeLibraryBuilder.finalize();',
      `process.stdout.write(JSON.stringify({ defined: library.stepDefinitions.map((d) => d.pattern), world: steps.World === rt.World, bundled: require.cache[${JSON.stringify(BUNDLE)}] !== undefined, cucumberModules: Object.keys(require.cache).filter((k) => k.includes('@cucumber/cucumber/')).length }));`,
    ].join('\n')], { encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { defined: ['a step only this test defines'], world: true, bundled: true, cucumberModules: 0 });
  });

  it('leaves the step definitions with Cucumber\'s own modules when those already run (cucumber-js --require dist/steps)', () => {
    const r = spawnSync(process.execPath, ['-e', [
      "const builder = require('@cucumber/cucumber/lib/support_code_library_builder/index').default;",
      `const steps = require(${JSON.stringify(require.resolve('../../steps/cucumber.js'))});`,
      'let n = 0;',
      'builder.reset(process.cwd(), () => String(n++));',
      "steps.Given('a step for the CLI of node_modules', () => undefined);",
      `process.stdout.write(JSON.stringify({ defined: builder.finalize().stepDefinitions.map((d) => d.pattern), bundled: require.cache[${JSON.stringify(BUNDLE)}] !== undefined }));`,
    ].join('\n')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_V8_COVERAGE: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { defined: ['a step for the CLI of node_modules'], bundled: false });
  });

  it('hands Cucumber\'s import() to Node\'s own loader', async () => {
    const os = (await dynamicImport('node:os')) as { cpus?: unknown };
    assert.equal(typeof os.cpus, 'function');
  });

  it('is what a check runs, once per process', () => {
    assert.equal(cucumberRuntime(), cucumberRuntime());
    assert.equal(typeof cucumberRuntime().runCucumber, 'function');
  });
});
