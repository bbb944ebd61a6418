import supportCodeLibraryBuilder from '@cucumber/cucumber/lib/support_code_library_builder/index';

/**
 * Cucumber's support-code functions, taken from its support-code library module itself (the very
 * functions `@cucumber/cucumber` exports): its index also loads Cucumber's CLI, argv parser and
 * configuration-file loaders, which a check never uses (src/cli/commands/check.ts runs Cucumber
 * through its API). See docs/benchmarks.md.
 */
export { default as World, type IWorldOptions } from '@cucumber/cucumber/lib/support_code_library_builder/world';
export type { default as DataTable } from '@cucumber/cucumber/lib/models/data_table';

const m = supportCodeLibraryBuilder.methods;
export const { After, AfterAll, Before, Given, Then, When, setDefaultTimeout, setWorldConstructor } = m;
