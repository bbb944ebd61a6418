#!/usr/bin/env node
/**
 * The `ccaas-conformance` executable. It turns on the compile cache before anything else loads
 * (src/cli/compileCache.ts), then runs the command line (src/cli/cli.ts).
 */
import { enableCompileCache } from './compileCache.js';

enableCompileCache();
const { main } = require('./cli.js') as typeof import('./cli.js');
const { EXIT, exitAfterRun } = require('./exit.js') as typeof import('./exit.js');
const { redact } = require('../report/redact.js') as typeof import('../report/redact.js');
const { escapeControl } = require('../report/terminal.js') as typeof import('../report/terminal.js');

main(process.argv.slice(2)).then(
  (code) => exitAfterRun(code),
  (e: unknown) => {
    process.stderr.write(`ccaas-conformance: ${escapeControl(redact(String(e)))}\n`);
    exitAfterRun(EXIT.HARNESS_ERROR);
  },
);
