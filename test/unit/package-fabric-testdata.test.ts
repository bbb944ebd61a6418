import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { mirrorRepo, MIRRORS, type HyperledgerMirror } from '../../mocks/mirrors.js';
import { calculatePackageId } from '../../src/package/index.js';
import { scratch } from './package-fixtures.js';

/**
 * Fabric's own persistence test data, read from the local Fabric mirror (not copied into this
 * repo), must give the errors Fabric's own tests expect of ParseChaincodePackage. Skips with a
 * reason when the mirror is absent (e.g. in CI).
 */

const MIRROR = mirrorRepo(MIRRORS['fabric'] as HyperledgerMirror);
const PREFIX = 'could not parse as a chaincode install package: ';
const LABEL = ". Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics";

function fabricFile(name: string): Buffer | null {
  const r = spawnSync('git', ['-C', MIRROR, 'show', `HEAD:core/chaincode/persistence/testdata/${name}`], { maxBuffer: 64 << 20, timeout: 30_000 });
  return r.status === 0 ? r.stdout : null;
}

const skip = existsSync(MIRROR) && fabricFile('good-package.tar.gz') ? false : `Fabric mirror not found at ${MIRROR}: Fabric testdata vectors skipped`;

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
