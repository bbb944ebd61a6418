import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { connectionPreflight } from '../../connection/preflight.js';
import { calculatePackageId, labelError, writePackage } from '../../package/index.js';
import { redact } from '../../report/redact.js';
import { checkPaths, parseArgs, str } from '../args.js';
import { COMMANDS } from '../flags.js';
import { EXIT, UsageError } from '../exit.js';

/**
 * `ccaas-conformance package --connection FILE --label L [--meta-inf DIR] [--type ccaas|external] -o OUT.tgz`:
 * a correct CCaaS package whose bytes depend only on the inputs (PKG-12), so the same inputs give
 * the same package ID anywhere. Prints the package ID.
 */
const FLAGS = COMMANDS['package']?.options ?? {};

export async function runPackageCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, FLAGS);
  if (p.positionals.length > 0) throw new UsageError(`package takes no positional arguments (got '${p.positionals[0]}')`);
  const connection = str(p, 'connection');
  const label = str(p, 'label');
  const out = str(p, 'output');
  const type = str(p, 'type') ?? 'ccaas';
  if (connection === null) throw new UsageError('package needs --connection FILE');
  if (label === null) throw new UsageError('package needs --label L');
  if (out === null) throw new UsageError('package needs -o OUT.tgz');
  if (type !== 'ccaas' && type !== 'external') throw new UsageError(`--type must be ccaas or external, not '${type}'`);
  await checkPaths(p, FLAGS);
  const le = labelError(label);
  if (le !== null) {
    process.stderr.write(`ccaas-conformance: ${le}\n`);
    return EXIT.USAGE;
  }
  let connectionJson: Buffer;
  try {
    connectionJson = await readFile(connection);
  } catch (e) {
    process.stderr.write(`ccaas-conformance: cannot read ${connection}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.USAGE;
  }
  const metaInf = str(p, 'meta-inf');
  let bytes: Buffer;
  try {
    bytes = await writePackage({ connectionJson, label, type, ...(metaInf !== null ? { metaInfDir: metaInf } : {}) });
  } catch (e) {
    process.stderr.write(`ccaas-conformance: cannot package: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.USAGE;
  }
  const target = resolve(out);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    process.stderr.write(`ccaas-conformance: cannot write ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.USAGE;
  }
  const id = await calculatePackageId(target);
  if (id.failure) {
    process.stderr.write(`ccaas-conformance: internal error: the package just written does not parse: ${id.failure.peerError ?? id.failure.message}\n`);
    return EXIT.HARNESS_ERROR;
  }
  process.stdout.write(`${id.packageId}\n`);
  process.stderr.write(`wrote ${out} (${bytes.length} bytes); start the chaincode server with CHAINCODE_ID=${id.packageId}\n`);
  // The package is well formed whatever connection.json says; what a peer would do with it is
  // said now, not after an install (run the package through the harness for the full verdict).
  for (const n of connectionPreflight(connectionJson, type, process.env['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'], id.packageId ?? label)) {
    process.stderr.write(`${n.level} [${n.rule}]: ${redact(n.text)}\n`);
  }
  return EXIT.CONFORMANT;
}
