import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUNDLE, bundleInUse } from '../../src/cucumber/index.js';
import { CUCUMBER_SLICES, cucumberSlices, requireInTurns } from '../../src/cli/warmUp.js';

describe('loading in slices (src/cli/warmUp.ts)', () => {
  it('loads each module in order, and the event loop turns between two of them', async () => {
    const seen: string[] = [];
    const load = (id: string): void => {
      seen.push(`load ${id}`);
      // work queued while one module loads runs before the next one loads
      setImmediate(() => seen.push(`turn after ${id}`));
    };
    await requireInTurns(['a', 'b', 'c'], load);
    assert.deepEqual(seen, ['load a', 'turn after a', 'load b', 'turn after b', 'load c', 'turn after c']);
  });

  it('passes over a module that does not resolve, and fails on any other error', async () => {
    const loaded: string[] = [];
    await requireInTurns(['x', 'missing', 'y'], (id) => {
      if (id === 'missing') throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      loaded.push(id);
    });
    assert.deepEqual(loaded, ['x', 'y']);
    await assert.rejects(requireInTurns(['broken'], () => {
      throw new SyntaxError('Unexpected token');
    }), SyntaxError);
  });

  it('names modules of the installed Cucumber: what its runner loads, then what the steps import, never its index', () => {
    // Cucumber from node_modules, as src/cucumber/runtime.ts loads it without the bundle
    require('../../src/cucumber/runtime.js');
    for (const id of CUCUMBER_SLICES) assert.ok(require.cache[require.resolve(id)], `${id} is loaded by Cucumber's runner or the steps`);
    // the index loads Cucumber's CLI and configuration loaders (yaml), which a check never uses
    assert.ok(!CUCUMBER_SLICES.includes('@cucumber/cucumber'));
  });

  it('loads the bundle in one turn when the build made it, and the modules otherwise', () => {
    const slices = cucumberSlices();
    if (bundleInUse()) assert.deepEqual(slices, [BUNDLE]);
    else assert.deepEqual(slices, CUCUMBER_SLICES);
  });
});
