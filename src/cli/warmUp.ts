import { BUNDLE, bundleInUse } from '../cucumber/index.js';
import { useNativeMatchIndices } from './matchIndices.js';

/**
 * The modules a check loads after it has started the chaincode server and the builders, loaded in
 * slices with the event loop turning between them. A `require` holds the process until the module
 * and all it imports are in; between slices, a builder program's exit is seen and the next one
 * starts, so the builders and the server's start-up go on while Cucumber loads instead of after.
 * Only the order of loading changes: each module is the one the run would load anyway.
 */

/** Cucumber's runner in the order `lib/api/run_cucumber` imports it, then what the step definitions import (steps/cucumber.ts). */
export const CUCUMBER_SLICES: readonly string[] = [
  '@cucumber/messages',
  '@cucumber/cucumber/lib/environment/index',
  '@cucumber/cucumber/lib/formatter/helpers/index',
  '@cucumber/cucumber/lib/paths/index',
  '@cucumber/cucumber/lib/runtime/index',
  '@cucumber/cucumber/lib/api/emit_support_code_messages',
  '@cucumber/cucumber/lib/api/formatters',
  '@cucumber/cucumber/lib/api/gherkin',
  '@cucumber/cucumber/lib/api/plugins',
  '@cucumber/cucumber/lib/api/support',
  '@cucumber/cucumber/lib/api/run_cucumber',
  '@cucumber/cucumber/lib/support_code_library_builder/index',
  '@cucumber/cucumber/lib/support_code_library_builder/world',
  '@cucumber/cucumber/lib/models/data_table',
];

/**
 * What a check loads of Cucumber in turns: the bundle, one file, when `npm run build` made it
 * (src/cucumber/index.ts); else Cucumber's modules in CUCUMBER_SLICES, with the native match
 * indices put in the polyfill's place first.
 */
export function cucumberSlices(): readonly string[] {
  if (bundleInUse()) return [BUNDLE];
  useNativeMatchIndices();
  return CUCUMBER_SLICES;
}

/**
 * Requires each specifier in turn, yielding to the event loop after each. A specifier that does
 * not resolve (another Cucumber version's layout) is passed over: the run's own require reports
 * a module that is really missing.
 */
export async function requireInTurns(specifiers: readonly string[], load: (id: string) => unknown): Promise<void> {
  for (const id of specifiers) {
    try {
      load(id);
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw e;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
