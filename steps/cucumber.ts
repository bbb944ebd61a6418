import type WorldClass from '@cucumber/cucumber/lib/support_code_library_builder/world';
import { cucumberRuntime } from '../src/cucumber/index.js';

/**
 * Cucumber's support-code functions, from the same Cucumber the CLI runs (src/cucumber/index.ts:
 * the bundle, or its modules): the step definitions must register with the instance that runs
 * them, so they never import `@cucumber/cucumber` themselves. See docs/benchmarks.md.
 */
export type { IWorldOptions } from '@cucumber/cucumber/lib/support_code_library_builder/world';
export type { default as DataTable } from '@cucumber/cucumber/lib/models/data_table';

const cucumber = cucumberRuntime();
export const World: typeof WorldClass = cucumber.World;
const m = cucumber.supportCodeLibraryBuilder.methods;
export const { After, AfterAll, Before, Given, Then, When, setDefaultTimeout, setWorldConstructor } = m;
