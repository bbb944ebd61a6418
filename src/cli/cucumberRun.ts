import type { IRunConfiguration } from '@cucumber/cucumber/api';
import type { Json } from '../findings.js';

/**
 * The Cucumber run configuration of a check, built here instead of by Cucumber's
 * `loadConfiguration`, whose module graph (config-file loaders, argv parser) is a large part of
 * Cucumber's load time and reads nothing a check uses (no config file). It is the configuration
 * `loadConfiguration({ file: false, provided })` returns for the same options with no
 * CUCUMBER_PUBLISH_* variables (never publishing: the reports stay on this machine);
 * test/unit/cli-cucumber-config.test.ts keeps the two equal.
 */

export interface CheckRun {
  readonly paths: readonly string[];
  readonly require: readonly string[];
  /** Where Cucumber's own HTML report goes. */
  readonly htmlFile: string;
  readonly worldParameters: { readonly [key: string]: Json };
  readonly tags: string;
}

export function checkRunConfiguration(r: CheckRun): IRunConfiguration {
  return {
    sources: { paths: [...r.paths], defaultDialect: 'en', names: [], tagExpression: r.tags, order: 'defined', shard: '' },
    support: { requireModules: [], requirePaths: [...r.require], importPaths: [], loaders: [] },
    runtime: { dryRun: false, failFast: false, filterStacktraces: true, parallel: 0, retry: 0, retryTagFilter: '', strict: true, worldParameters: { ...r.worldParameters } },
    formats: { stdout: 'progress', files: { [r.htmlFile]: 'html' }, publish: false, options: {} },
    plugins: { specifiers: [], options: {} },
  };
}
