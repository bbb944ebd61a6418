import Module from 'node:module';
import { dirname } from 'node:path';

/**
 * Cucumber matches every step of a run against every step definition, and finds where each
 * parameter matched through `regexp-match-indices`: a polyfill of RegExp match indices that
 * parses each regexp with regexp-tree (about 45 modules) and rewrites it with extra groups.
 * Node 20 has match indices itself (ES2022's `d` flag), so the check registers the native
 * function under the polyfill's name before Cucumber loads. Same contract: `exec(regexp, text)`
 * returns RegExp#exec's match with `indices` (and `indices.groups`), and moves a global or sticky
 * regexp's lastIndex as exec does (test/property/match-indices.test.ts compares the two).
 */

/** The d-flag twin of each regexp, made once. */
const withIndices = new WeakMap<RegExp, RegExp>();

export function nativeExecIndices(regexp: RegExp, text: string): RegExpExecArray | null {
  let twin = withIndices.get(regexp);
  if (!twin) {
    twin = regexp.hasIndices ? regexp : new RegExp(regexp.source, `${regexp.flags}d`);
    withIndices.set(regexp, twin);
  }
  if (twin === regexp) return regexp.exec(text);
  twin.lastIndex = regexp.lastIndex;
  const m = twin.exec(text);
  if (regexp.global || regexp.sticky) regexp.lastIndex = twin.lastIndex;
  return m;
}

/**
 * Puts nativeExecIndices in the module cache where cucumber-expressions will require the
 * polyfill. Returns false (and changes nothing) when the layout is not the expected one, or the
 * polyfill is already loaded: Cucumber then uses the polyfill as it ships.
 */
export function useNativeMatchIndices(resolve: (id: string, options?: { paths?: string[] }) => string = require.resolve): boolean {
  let file: string;
  try {
    file = resolve('regexp-match-indices', { paths: [dirname(resolve('@cucumber/cucumber-expressions'))] });
  } catch {
    return false;
  }
  if (require.cache[file]) return false;
  const m = new Module(file);
  m.filename = file;
  m.exports = nativeExecIndices;
  m.loaded = true;
  require.cache[file] = m;
  return true;
}
