#!/usr/bin/env node
import { runCheck } from './commands/check.js';
import { EXIT, UsageError } from './exit.js';

const USAGE = `usage:
  ccaas-conformance <package.tgz> [--builder DIR]... [--propagate VAR]... [--address HOST:PORT]
                    [--command CMD] [--offline] [--report-dir DIR] [--json] [--quiet]
                    [--tags EXPR] [--smoke "fn args..."] [--builder-timeout MS]
                    [--register-timeout MS] [--execute-timeout MS]
  ccaas-conformance package --connection FILE --label L [--meta-inf DIR] [--type ccaas|external] -o OUT.tgz
  ccaas-conformance id <package.tgz> [--output json]

exit codes: 0 conformant, 1 not conformant, 2 bad usage or unreadable input, 3 the harness failed`;

type Command = (argv: string[]) => Promise<number>;

async function subcommand(name: string): Promise<Command | null> {
  switch (name) {
    case 'package':
      return (await import('./commands/package.js')).runPackageCommand;
    case 'id':
      return (await import('./commands/id.js')).runIdCommand;
    default:
      return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    (first === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return first === undefined ? EXIT.USAGE : EXIT.CONFORMANT;
  }
  try {
    const sub = await subcommand(first);
    if (sub) return await sub(rest);
    return (await runCheck(argv)).exitCode;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ccaas-conformance: ${e.message}\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`ccaas-conformance: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.HARNESS_ERROR;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ccaas-conformance: ${String(e)}\n`);
      process.exitCode = EXIT.HARNESS_ERROR;
    },
  );
}
