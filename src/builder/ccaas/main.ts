#!/usr/bin/env node
import { build, detect, release, type ProgramResult } from './programs.js';

/** Entry point of the bundled ccaas builder: `node main.js <detect|build|release> <peer args...>`. */
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
      process.stderr.write(`unknown program ${program ?? ''}\n`);
      return 2;
  }
  for (const line of r.stderr) if (line) process.stderr.write(`${line}\n`);
  return r.code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`::Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
