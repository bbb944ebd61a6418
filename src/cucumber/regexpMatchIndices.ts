import { nativeExecIndices } from '../cli/matchIndices.js';

/**
 * What the bundle has in place of the `regexp-match-indices` polyfill (src/cucumber/build-bundle.mjs
 * resolves that package here): Node's own match indices, with the polyfill's export shape (the
 * function itself). See src/cli/matchIndices.ts.
 */
export = nativeExecIndices;
