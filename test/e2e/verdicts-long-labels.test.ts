import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import { judgeLabelFileNames } from '../../src/package/fileNames.js';
import type { ResultJson } from '../../src/report/result.js';
import { runCli, tempDir } from '../support/cli.js';

/**
 * Labels of 170..260 bytes: the peer stores `<label>.<sha256>.tar.gz` and builds in
 * `/tmp/fabric-<label>-<sha256><random>`, so on a 255-byte NAME_MAX file system a long label fails
 * install (PKG-17, with the peer's chain); the harness's own paths stay bounded whatever the
 * label (it crashed with ENAMETOOLONG before).
 */

const label = (n: number): string => `cc${'x'.repeat(n - 2)}`;
const PEER = { fileSystemPath: '/var/hyperledger/production', tempDir: '/tmp', externalBuilders: true };
const HASH = 'f'.repeat(64);

describe('long labels and the peer\'s 255-byte file names (PKG-17)', () => {
  it('judges each length as the peer\'s paths do: save fails from 184 bytes, the build scratch dir from 174', () => {
    for (let n = 170; n <= 260; n++) {
      const l = label(n);
      const v = judgeLabelFileNames(l, `${l}:${HASH}`, PEER);
      if (n >= 184) {
        assert.equal(v.finding.status, 'failed', `${n}`);
        assert.equal(v.failure?.peerError, `could not save cc install package: error writing chaincode install package to /var/hyperledger/production/lifecycle/chaincodes/${l}.${HASH}.tar.gz: error renaming temp file '/var/hyperledger/production/lifecycle/chaincodes/.ccpackage.<random>': rename /var/hyperledger/production/lifecycle/chaincodes/.ccpackage.<random> /var/hyperledger/production/lifecycle/chaincodes/${l}.${HASH}.tar.gz: file name too long`);
        assert.equal(Buffer.byteLength(`${l}.${HASH}.tar.gz`) > 255, true);
      } else if (n >= 174) {
        assert.equal(v.finding.status, 'failed', `${n}`);
        assert.equal(v.failure?.peerError, `could not build chaincode: external builder failed: could not create build context: could not create temp dir: mkdir /tmp/fabric-${l}-${HASH}<random>: file name too long`);
        // 'fabric-' + label + '-' + 64 hex + 10 random digits is over 255 bytes; with 9 digits from 175
        assert.equal(7 + n + 65 + 10 > 255, true);
        assert.match(v.finding.message, n === 174 ? /about 77% of installs fail/ : n === 175 ? /about 98% of installs fail/ : n < 183 ? /over 99% of installs fail/ : /every install fails/);
      } else {
        assert.equal(v.finding.status, 'passed', `${n}: ${v.finding.message}`);
        assert.equal(7 + n + 65 + 10 <= 255, true);
      }
    }
    // Without external builders the peer makes no build context (Detector.Build returns early).
    assert.equal(judgeLabelFileNames(label(180), `${label(180)}:${HASH}`, { ...PEER, externalBuilders: false }).finding.status, 'passed');
  });

  describe('through the CLI', () => {
    let dir: { path: string; remove(): Promise<void> };
    before(async () => {
      dir = await tempDir('verdicts-labels-');
    });
    after(async () => dir.remove());

    for (const n of [170, 173, 174, 183, 184, 200, 260]) {
      it(`a ${n}-byte label: ${n < 174 ? 'installs and builds' : 'PKG-17 fails with the peer\'s chain'}, no harness error`, async () => {
        const pkg = await writeSamplePackage(join(dir.path, `l${n}.tgz`), { address: 'localhost:9999', label: label(n) });
        const run = await runCli([pkg, '--offline', '--quiet'], { reportDir: join(dir.path, `r${n}`), timeoutMs: 60_000 });
        assert.notEqual(run.code, 3, run.stderr);
        const result: ResultJson = await run.result();
        assert.equal(result.rules.filter((r) => r.status === 'error').length, 0, JSON.stringify(result.rules.filter((r) => r.status === 'error')));
        const p17 = result.rules.find((r) => r.id === 'PKG-17');
        if (n < 174) {
          assert.equal(run.code, 0, run.stdout + run.stderr);
          assert.equal(p17?.status, 'passed');
          assert.equal(result.rules.find((r) => r.id === 'BLD-12')?.status, 'passed');
        } else {
          assert.equal(run.code, 1);
          assert.equal(p17?.status, 'failed');
          assert.match(p17?.peerError ?? '', n >= 184 ? /^could not save cc install package: .*: file name too long$/ : /^could not build chaincode: external builder failed: could not create build context: could not create temp dir: mkdir \/tmp\/fabric-.*: file name too long$/);
          assert.equal(result.rules.find((r) => r.id === 'BLD-12')?.blockedBy, 'PKG-17');
        }
      });
    }
  });
});
