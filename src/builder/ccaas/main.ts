#!/usr/bin/env node
import { enableCompileCache } from '../../cli/compileCache.js';
import type { ProgramResult } from './programs.js';

// The peer runs this three times per package: its modules compile once, not at every run.
enableCompileCache();
const { build, detect, release } = require('./programs.js') as typeof import('./programs.js');

/**
 * Entry point of the bundled ccaas builder twin: `node main.js <detect|build|release> <peer args...>`.
 * The peer's argv after the program name is passed through unchanged.
 */
async function main(): Promise<number> {
  const [program, ...args] = process.argv.slice(2);
  let r: ProgramResult;
  switch (program) {
    case 'detect':
      r = await detect(args);
      break;
    case 'build':
      r = await build(args, process.env);
      break;
    case 'release':
      r = await release(args);
      break;
    default:
      process.stderr.write(`ccaas twin: unknown program ${program ?? ''}\n`);
      return 2;
  }
  await new Promise<void>((resolve) => process.stdout.write(r.stdout, () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write(r.stderr, () => resolve()));
  return r.code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`::Error: ccaas twin failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
