/**
 * `import()` for the Cucumber bundle: src/cucumber/build-bundle.mjs puts a call to this where
 * Cucumber's own modules have `import()` (custom formatters, plugins and ESM support code, which a
 * check does not use). It is a module of its own, outside the bundle and compiled by Node itself,
 * because the bundle is compiled from the code cache (src/cli/compileCache.ts), and on Node 20 a
 * script compiled from cached data has no loader for its `import()`.
 */
export function dynamicImport(specifier: string): Promise<unknown> {
  return import(specifier);
}
