import { runCheck } from './commands/check.js';
import { redact } from '../report/redact.js';
import { EXIT, InputError, UsageError } from './exit.js';
import { COMMANDS } from './flags.js';
import { commandUsage, usage } from './usage.js';
import { escapeControl } from '../report/terminal.js';

type Command = (argv: string[]) => Promise<number>;

/** A subcommand's module, loaded only when it runs. */
function subcommand(name: string): Command | null {
  switch (name) {
    case 'package':
      return (require('./commands/package.js') as typeof import('./commands/package.js')).runPackageCommand;
    case 'id':
      return (require('./commands/id.js') as typeof import('./commands/id.js')).runIdCommand;
    case 'list':
      return (require('./commands/list.js') as typeof import('./commands/list.js')).runListCommand;
    case 'explain':
      return (require('./commands/explain.js') as typeof import('./commands/explain.js')).runExplainCommand;
    case 'invoke':
      return (require('./commands/invoke.js') as typeof import('./commands/invoke.js')).runInvokeCommand;
    case 'query':
      return (require('./commands/query.js') as typeof import('./commands/query.js')).runQueryCommand;
    case 'init':
      return (require('./commands/init.js') as typeof import('./commands/init.js')).runInitCommand;
    case 'bench':
      return (require('./commands/bench.js') as typeof import('./commands/bench.js')).runBenchCommand;
    default:
      return null;
  }
}

/** `--help`/`-h` anywhere before `--` asks for help. */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function version(): string {
  try {
    return (require('../../../package.json') as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(`${usage()}\n`);
    return EXIT.USAGE;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`ccaas-conformance ${version()}\n`);
    return EXIT.CONFORMANT;
  }
  if (first === 'help' && rest.length <= 1) {
    process.stdout.write(`${rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? commandUsage(rest[0]) : usage()}\n`);
    return EXIT.CONFORMANT;
  }
  if (asksForHelp(argv)) {
    process.stdout.write(`${Object.hasOwn(COMMANDS, first) ? commandUsage(first) : usage()}\n`);
    return EXIT.CONFORMANT;
  }
  try {
    const sub = subcommand(first);
    if (sub) return await sub(rest);
    return (await runCheck(argv)).exitCode;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`ccaas-conformance: ${escapeControl(redact(e.message))}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof UsageError) {
      const command = Object.hasOwn(COMMANDS, first) ? first : null;
      process.stderr.write(`ccaas-conformance: ${escapeControl(redact(e.message))} (see ccaas-conformance ${command ? `${command} ` : ''}--help)\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`ccaas-conformance: internal error: ${escapeControl(redact(e instanceof Error ? (e.stack ?? e.message) : String(e)))}\n`);
    return EXIT.HARNESS_ERROR;
  }
}
