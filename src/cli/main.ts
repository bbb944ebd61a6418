#!/usr/bin/env node
import { runCheck } from './commands/check.js';
import { redact } from '../report/redact.js';
import { EXIT, UsageError } from './exit.js';

const USAGE = `usage:
  ccaas-conformance <package.tgz> [--builder DIR]... [--propagate VAR]... [--address HOST:PORT]
                    [--command CMD] [--offline] [--report-dir DIR] [--json] [--quiet]
                    [--tags EXPR] [--run IDS]... [--skip IDS]... [--expected-failures FILE]
                    [--level must|should] [--smoke "fn args..."] [--builder-timeout MS]
                    [--register-timeout MS] [--execute-timeout MS]
                    [--max-bytes N[KMG]] [--max-entries N] [--max-ratio N] [--max-metadata N[KMG]]
  ccaas-conformance package --connection FILE --label L [--meta-inf DIR] [--type ccaas|external] -o OUT.tgz
  ccaas-conformance id <package.tgz> [--output json]
  ccaas-conformance list [--level must|should] [--run IDS] [--with-scenario] [--json]
  ccaas-conformance explain "<peer log line>" | --file peer.log | -   [--json]
  ccaas-conformance invoke|query <package.tgz> fn [args...] [--command CMD | --address HOST:PORT]
                    [--transient JSON] [--user NAME] [--isInit] [--json] [--state-db leveldb|couchdb]
                    [--init-required] [--collection NAME:MSPID,...] [--keepalive SECONDS]
                    [--state FILE] [--save-state FILE]  (world state in and out, a JSON object)
  ccaas-conformance bench <package.tgz> --fn F [--args "a b"] [--tx N] [--concurrency C]
                    [--warmup W] [--commit] [--json] [--state FILE]  (plus --command/--address as for invoke)
  ccaas-conformance init [DIR] [--force]   (scaffolds DIR/features/ for --features)

  checks also take --features DIR (your own scenarios beside the conformance suite),
  --state-db, --keepalive SECONDS, --init-required, --collection NAME:MSPID,..., --no-write-batch
  and --fabric-release 2.5|3.1 (the peer release the mock peer behaves as; default 3.1).

  --run/--skip take rule ids or patterns (PKG-*, DIAL-0?, CONN), comma-separated or repeated.

exit codes: 0 the run passes (conformant, or every failure expected), 1 not conformant (or a stale
expected failure), 2 bad usage or unreadable input, 3 the harness failed`;

type Command = (argv: string[]) => Promise<number>;

async function subcommand(name: string): Promise<Command | null> {
  switch (name) {
    case 'package':
      return (await import('./commands/package.js')).runPackageCommand;
    case 'id':
      return (await import('./commands/id.js')).runIdCommand;
    case 'list':
      return (await import('./commands/list.js')).runListCommand;
    case 'explain':
      return (await import('./commands/explain.js')).runExplainCommand;
    case 'invoke':
      return (await import('./commands/invoke.js')).runInvokeCommand;
    case 'query':
      return (await import('./commands/query.js')).runQueryCommand;
    case 'init':
      return (await import('./commands/init.js')).runInitCommand;
    case 'bench':
      return (await import('./commands/bench.js')).runBenchCommand;
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
      process.stderr.write(`ccaas-conformance: ${redact(e.message)}\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    process.stderr.write(`ccaas-conformance: internal error: ${redact(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return EXIT.HARNESS_ERROR;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ccaas-conformance: ${redact(String(e))}\n`);
      process.exitCode = EXIT.HARNESS_ERROR;
    },
  );
}
