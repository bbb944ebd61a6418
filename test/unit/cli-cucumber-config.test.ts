import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfiguration } from '@cucumber/cucumber/api';
import { checkRunConfiguration } from '../../src/cli/cucumberRun.js';

/** The check's Cucumber run configuration is the one Cucumber's own loadConfiguration makes. */
describe('the Cucumber run configuration of a check', () => {
  it('equals loadConfiguration({ file: false, provided }) for the same options', async () => {
    const options = {
      paths: ['/p/features/conformance/*.feature', '/home/me/features'],
      require: ['/p/dist/steps/*.js'],
      worldParameters: { config: { packagePath: '/x.tgz', offline: false, builders: [] }, run: { level: 'must' } },
      tags: '(@PKG-01 or @DIAL-03) and not @network',
    };
    const { runConfiguration } = await loadConfiguration(
      {
        file: false,
        provided: { paths: [...options.paths], require: [...options.require], format: ['rerun'], worldParameters: options.worldParameters, tags: options.tags },
      },
      { cwd: process.cwd(), env: {} },
    );
    assert.deepEqual(checkRunConfiguration(options), runConfiguration);
  });
});
