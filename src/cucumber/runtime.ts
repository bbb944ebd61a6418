/**
 * The parts of Cucumber a check runs: its runner, and its support-code library with the World
 * class (the functions step definitions call), taken from their own modules: Cucumber's index
 * would also load its CLI, argv parser and configuration-file loaders, which a check never uses
 * (src/cli/cucumberRun.ts builds the configuration itself).
 *
 * `npm run build` also writes these as one file, dist/src/cucumber/bundle.js
 * (src/cucumber/build-bundle.mjs); src/cucumber/index.ts loads that when it is there. Loaded
 * from node_modules, these are some 280 modules; as one file, one read and one code-cache entry.
 */
export { runCucumber } from '@cucumber/cucumber/lib/api/run_cucumber';
export { default as supportCodeLibraryBuilder } from '@cucumber/cucumber/lib/support_code_library_builder/index';
export { default as World } from '@cucumber/cucumber/lib/support_code_library_builder/world';
