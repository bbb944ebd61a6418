import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fabricGoEnv, fabricModule, fabricModuleVersion, goSync } from '../../mocks/mirrors.js';
import { ORACLE_FABRIC_DIR } from '../property/json-oracle-client.js';
import { calculatePackageId } from '../../src/package/index.js';
import { scratch } from './package-fixtures.js';

/**
 * Fabric's own persistence test data, read from the github.com/hyperledger/fabric module at the
 * 3.1 release pin in the Go module cache (test/oracle-fabric's go.sum; not copied into this repo),
 * must give the errors Fabric's own tests expect of ParseChaincodePackage. Skips with a reason
 * when the module cannot be had (mocks/mirrors.ts fabricGoEnv; with CI=true it must).
 */

/** The Fabric module's directory in the module cache, or why there is none. */
function fabricModuleDir(): { readonly dir: string } | { readonly skip: string } {
  const m = fabricModule(ORACLE_FABRIC_DIR, '3.1');
  const go = fabricGoEnv(m);
  if ('skip' in go) return go;
  const version = fabricModuleVersion('3.1', join(ORACLE_FABRIC_DIR, 'go.sum'));
  if (!version) throw new Error('test/oracle-fabric/go.sum names no github.com/hyperledger/fabric at the 3.1 pin');
  const r = goSync(['mod', 'download', '-json', `github.com/hyperledger/fabric@${version}`], { cwd: ORACLE_FABRIC_DIR, timeoutMs: 900_000, env: go.env });
  if (r.status !== 0) throw new Error(`go mod download of Fabric ${version} failed: ${r.stdout}${r.stderr}`);
  return { dir: (JSON.parse(r.stdout) as { Dir: string }).Dir };
}

const FABRIC = fabricModuleDir();
const PREFIX = 'could not parse as a chaincode install package: ';
const LABEL = ". Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics";

function fabricFile(name: string): Buffer | null {
  if ('skip' in FABRIC) return null;
  const file = join(FABRIC.dir, 'core', 'chaincode', 'persistence', 'testdata', name);
  return existsSync(file) ? readFileSync(file) : null;
}

const skip = 'skip' in FABRIC ? `${FABRIC.skip}: Fabric testdata vectors skipped` : fabricFile('good-package.tar.gz') ? false : `no core/chaincode/persistence/testdata in ${FABRIC.dir}`;

describe('Fabric persistence testdata (chaincode_package_test.go expectations)', { skip }, () => {
  const sc = scratch('ccaas-fabric-td-');
  after(() => sc.done());
  const vectors: Array<[string, string | null]> = [
    ['good-package.tar.gz', null],
    ['too-many-files.tar.gz', null],
    ['missing-metadata.tar.gz', 'did not find any package metadata (missing metadata.json)'],
    ['missing-codepackage.tar.gz', 'did not find a code package inside the package'],
    ['bad-metadata.tar.gz', "could not unmarshal metadata.json as json: invalid character '\\n' in string literal"],
    ['empty-label.tar.gz', `invalid label ''${LABEL}`],
    ['bad-label.tar.gz', `invalid label 'Bad-Label!'${LABEL}`],
    ['corrupted-package.tar.gz', 'could not read Chaincode-Package-Metadata.json from tar: unexpected EOF'],
    ['non-regular-file.tar.gz', 'tar entry code.tar.gz is not a regular file, type 50'],
    ['corrupted-header.tar.gz', 'error inspecting next tar header: flate: corrupt input before offset 86'],
    ['corrupted-gzip.tar.gz', 'error reading as gzip stream: unexpected EOF'],
  ];
  for (const [name, want] of vectors) {
    it(`${name}: ${want ?? 'parses'}`, async () => {
      const bytes = fabricFile(name);
      assert.ok(bytes, name);
      const r = await calculatePackageId(sc.file(name, bytes));
      assert.equal(r.failure?.peerError ?? null, want === null ? null : PREFIX + want);
    });
  }
});
