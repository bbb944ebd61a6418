import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bool, parseArgs } from '../args.js';
import { COMMANDS } from '../flags.js';
import { EXIT, UsageError } from '../exit.js';

/**
 * `ccaas-conformance init [DIR] [--force]`: scaffolds DIR/features/ (DIR defaults to the current
 * directory) with a feature that passes against any contract-API chaincode (Node, Java or Go)
 * and commented templates of every user step, to run with `ccaas-conformance <package>
 * --command "..." --features DIR/features`. Existing files are kept unless --force.
 */

const FLAGS = COMMANDS['init']?.options ?? {};

export const EXAMPLE_FEATURE = `Feature: My chaincode on the mock peer
  Scenarios of your own, run beside the conformance suite with
    ccaas-conformance <package.tgz> --command "<how to start your server>" --features features
  Each scenario starts from an empty ledger; transactions are signed by Org1MSP's User1 unless
  a step says otherwise.

  Background:
    Given the chaincode is running

  # Works with every contract-API chaincode (fabric-contract-api, the Java contract API,
  # fabric-contract-api-go): the system function every contract answers.
  Scenario: The contract describes itself
    When I query "org.hyperledger.fabric:GetMetadata"
    Then the response status is 200

  # Templates: replace the function names and values with your own.
  #
  # Scenario: Create and read an asset
  #   Given the world state contains:
  #     | key    | value                        |
  #     | asset0 | {"id":"asset0","size":5}     |
  #   When I invoke "CreateAsset" with arguments "asset1", "blue"
  #   Then the response status is 200
  #   And the event "AssetCreated" was emitted with the JSON {"id":"asset1"}
  #   And the world state key "asset1" is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}
  #   When I query "ReadAsset" with arguments "asset1"
  #   Then the response payload is the JSON {"id":"asset1","value":"blue","owner":"Org1MSP"}
  #
  # Scenario: Private data, another organisation, CouchDB
  #   Given the state database is "couchdb"
  #   And the private data collection "assetCollection" with members "Org1MSP"
  #   When I invoke "PutPrivateAsset" with arguments "assetCollection", "p1" with transient {"value":"secret"}
  #   And I query "ReadPrivateAsset" with arguments "assetCollection", "p1" as "Org2MSP" user "bob"
  #   Then the response status is 500
  #
  # Scenario: Init required (run with --init-required)
  #   When I init "InitLedger"
  #   Then the response status is 200
`;

export async function runInitCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, FLAGS);
  if (p.positionals.length > 1) throw new UsageError('init takes at most one directory');
  const dir = join(resolve(p.positionals[0] ?? '.'), 'features');
  const file = join(dir, 'example.feature');
  if (!bool(p, 'force') && (await stat(file).catch(() => null))) {
    process.stderr.write(`${file} exists: keep it, or run init --force to overwrite it\n`);
    return EXIT.USAGE;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, EXAMPLE_FEATURE);
  process.stdout.write(`wrote ${file}\nrun it with: ccaas-conformance <package.tgz> --command "<how to start your server>" --features ${dir}\n`);
  return EXIT.CONFORMANT;
}
