import type { IRunConfiguration } from '@cucumber/cucumber/api';
import type { Json } from '../findings.js';

/**
 * The Cucumber run configuration of a check, built here instead of by Cucumber's
 * `loadConfiguration`, whose module graph (config-file loaders, argv parser) is a large part of
 * Cucumber's load time and reads nothing a check uses (no config file). It is the configuration
 * `loadConfiguration({ file: false, provided })` returns for the same options with no
 * CUCUMBER_PUBLISH_* variables (never publishing: the reports stay on this machine);
 * test/unit/cli-cucumber-config.test.ts keeps the two equal.
 *
 * Cucumber writes nothing itself: the CLI discards its console output, so the console formatter
 * is `rerun` (the one that does no work per step), and cucumber.html is written after the run
 * from the redacted envelopes (src/report/cucumberHtml.ts).
 */

export interface CheckRun {
  readonly paths: readonly string[];
  readonly require: readonly string[];
  readonly worldParameters: { readonly [key: string]: Json };
  readonly tags: string;
}

export function checkRunConfiguration(r: CheckRun): IRunConfiguration {
  return {
    sources: { paths: [...r.paths], defaultDialect: 'en', names: [], tagExpression: r.tags, order: 'defined', shard: '' },
    support: { requireModules: [], requirePaths: [...r.require], importPaths: [], loaders: [] },
    runtime: { dryRun: false, failFast: false, filterStacktraces: true, parallel: 0, retry: 0, retryTagFilter: '', strict: true, worldParameters: { ...r.worldParameters } },
    formats: { stdout: 'rerun', files: {}, publish: false, options: {} },
    plugins: { specifiers: [], options: {} },
  };
}
