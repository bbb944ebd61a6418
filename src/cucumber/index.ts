import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Runtime from './runtime.js';

/**
 * Cucumber for a check: one instance per process, shared by the CLI (which runs it) and the step
 * definitions (which register with it). It comes from dist/src/cucumber/bundle.js, Cucumber and
 * its dependencies as one file built by `npm run build` from the installed packages, when that
 * file is there; otherwise from node_modules through src/cucumber/runtime.ts, with the native
 * match indices put in the polyfill's place first (src/cli/matchIndices.ts; the bundle has them
 * built in), and also when Cucumber's modules already run in the process, or when
 * CCAAS_CUCUMBER_BUNDLE=0 says so (to tell whether the bundle is at fault). Either way the same
 * code runs: the bundle is made from the installed packages.
 */

export type CucumberRuntime = typeof Runtime;

let loaded: CucumberRuntime | null = null;

/** Where the bundle is, beside this module. */
export const BUNDLE = join(__dirname, 'bundle.js');

/** Whether a check loads the bundle: it is there, and CCAAS_CUCUMBER_BUNDLE=0 does not turn it off. */
export function bundleInUse(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['CCAAS_CUCUMBER_BUNDLE'] !== '0' && existsSync(BUNDLE);
}

/**
 * Whether Cucumber's modules from node_modules already run in this process: the step
 * definitions were required by Cucumber's own CLI (`cucumber-js --require dist/steps/*.js`), whose
 * instance they must register with.
 */
function modulesAlreadyLoaded(): boolean {
  try {
    return require.cache[require.resolve('@cucumber/cucumber/lib/support_code_library_builder/index')] !== undefined;
  } catch {
    return false;
  }
}

/** Loads Cucumber (once). */
export function cucumberRuntime(): CucumberRuntime {
  if (loaded) return loaded;
  if (bundleInUse() && !modulesAlreadyLoaded()) {
    loaded = require(BUNDLE) as CucumberRuntime;
  } else {
    (require('../cli/matchIndices.js') as typeof import('../cli/matchIndices.js')).useNativeMatchIndices();
    loaded = require('./runtime.js') as CucumberRuntime;
  }
  return loaded;
}
