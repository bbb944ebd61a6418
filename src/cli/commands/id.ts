import { access, constants } from 'node:fs/promises';
import { calculatePackageId } from '../../package/index.js';
import { parseArgs, str } from '../args.js';
import { COMMANDS } from '../flags.js';
import { EXIT, UsageError } from '../exit.js';
import { escapeControl } from '../../report/terminal.js';

/**
 * `ccaas-conformance id PKG [--output json]`, like `peer lifecycle chaincode calculatepackageid`
 * (PKG-13): the install parse without the DB-artifact scan, then `<label>:<sha256>`; with
 * `--output json` (any case) Go's json.MarshalIndent with a tab indent. Exit 0 printed, 1 the
 * package is rejected (error on stderr with the peer's prefix), 2 usage or unreadable file.
 */
const FLAGS = COMMANDS['id']?.options ?? {};

export async function runIdCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, FLAGS);
  if (p.positionals.length !== 1) throw new UsageError('id takes exactly one package file');
  const file = p.positionals[0] as string;
  try {
    await access(file, constants.R_OK);
  } catch (e) {
    process.stderr.write(`Error: failed to read chaincode package at '${escapeControl(file)}': ${escapeControl(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT.USAGE;
  }
  const r = await calculatePackageId(file);
  if (r.failure) {
    process.stderr.write(`Error: ${escapeControl(r.failure.peerError ?? r.failure.message)}\n`);
    return EXIT.NON_CONFORMANT;
  }
  if ((str(p, 'output') ?? '').toLowerCase() === 'json') process.stdout.write(`{\n\t"package_id": ${JSON.stringify(r.packageId)}\n}\n`);
  else process.stdout.write(`${escapeControl(r.packageId)}\n`);
  return EXIT.CONFORMANT;
}
