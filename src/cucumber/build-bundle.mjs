#!/usr/bin/env node
// Writes dist/src/cucumber/bundle.js: Cucumber's runner and support-code library
// (dist/src/cucumber/runtime.js) with everything they import from node_modules, as one CommonJS
// file, so that a check reads one file and one code-cache entry instead of some 280 modules
// (docs/benchmarks.md). Run by `npm run build` after tsc. The bundle is made from the installed
// packages (package-lock.json), so it is the same code as loading them one by one, except:
// - `regexp-match-indices` (a polyfill that parses every step regexp) is Node's own match
//   indices, dist/src/cucumber/regexpMatchIndices.js, as the unbundled path arranges too;
// - @cucumber/tag-expressions and @cucumber/html-formatter stay outside: the CLI loads them
//   itself, and one copy of each is enough;
// - Cucumber's own `import()` calls (custom formatters, plugins, ESM support code: a check uses
//   none) go through dist/src/cucumber/dynamicImport.js, outside the bundle: the bundle is compiled
//   from the code cache, where Node 20 gives a script's `import()` no loader.
// Written to a temporary name and renamed, so a run never reads half a bundle. Where it cannot be
// built (esbuild has no binary for this platform, say), any older bundle is removed and checks load
// Cucumber from node_modules, the same code, only slower to load; with CI=true that is an error.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'dist', 'src', 'cucumber');
const out = join(dir, 'bundle.js');

const nativeMatchIndices = {
  name: 'native-match-indices',
  setup(b) {
    b.onResolve({ filter: /^regexp-match-indices$/ }, () => ({ path: join(dir, 'regexpMatchIndices.js') }));
  },
};

// The name the rewritten `import()` calls require; it resolves, outside the bundle, to the module beside it.
const DYNAMIC_IMPORT = 'ccaas-conformance/dynamic-import';
const realDynamicImport = {
  name: 'real-dynamic-import',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${DYNAMIC_IMPORT}$`) }, () => ({ path: './dynamicImport.js', external: true }));
    b.onLoad({ filter: /[\\/]node_modules[\\/]@cucumber[\\/]cucumber[\\/]lib[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!/\bimport\(/.test(text)) return undefined;
      return { contents: text.replace(/\bimport\(/g, `require(${JSON.stringify(DYNAMIC_IMPORT)}).dynamicImport(`), loader: 'js' };
    });
  },
};

async function bundle() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(dir, 'runtime.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    outfile: out,
    external: ['@cucumber/tag-expressions', '@cucumber/html-formatter'],
    plugins: [nativeMatchIndices, realDynamicImport],
    logLevel: 'warning',
    metafile: true,
    banner: { js: '// Cucumber for ccaas-conformance checks: built by src/cucumber/build-bundle.mjs from node_modules. Do not edit.' },
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((p) => p.includes('regexp-tree') || p.includes('regexp-match-indices/'))) {
    throw new Error('the bundle still holds the regexp-match-indices polyfill');
  }
  const code = result.outputFiles[0].text;
  if (/\bimport\(/.test(code)) throw new Error('the bundle holds an import() of its own (see realDynamicImport)');
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, out);
  process.stdout.write(`cucumber bundle: ${inputs.length} modules, ${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KiB -> ${out}\n`);
}

try {
  await bundle();
} catch (e) {
  rmSync(out, { force: true });
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  process.stderr.write(`cucumber bundle: not built (${why}); checks load Cucumber from node_modules\n`);
  if (process.env.CI === 'true') process.exitCode = 1;
}
