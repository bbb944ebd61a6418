import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findRule } from '../../src/catalogue/index.js';
import { chains } from '../../src/peer/chains.js';
import { fabricOracleUnavailable, Oracle } from '../property/json-oracle-client.js';
import { ORACLE_RELEASES } from '../support/fabric.js';

/**
 * DIAL-08, settled with the peer's own code: Fabric's RuntimeLauncher.Launch (test/oracle-fabric
 * mode `launch-timeout`) against a chaincode stream that opens and never sends REGISTER.
 */

for (const release of ORACLE_RELEASES) {
describe(`the peer's own RuntimeLauncher when REGISTER never comes (DIAL-08), Fabric ${release}`, () => {
  const skip = fabricOracleUnavailable(release);
  let oracle: Oracle | null = null;
  before(() => {
    if (!skip) oracle = Oracle.startFabric(release);
  }, { timeout: 900_000 });
  after(() => oracle?.close());

  it('returns the startup timeout, deregisters the launch (the next invocation dials again) and leaves the old stream open', { skip: skip ?? false }, async () => {
    const v = await (oracle as Oracle).ask({ mode: 'launch-timeout', input: Buffer.alloc(0), args: { startupTimeoutMs: '200' } });
    assert.equal(v.panic, undefined);
    assert.deepEqual(v.result, { error: chains.startupTimeout('mycc:0000'), startedAgain: true, streamOpenAfterLaunch: true });
    // the catalogue says what was run
    assert.equal(findRule('DIAL-08')?.confidence, 'settled');
    assert.match(findRule('DIAL-08')?.settledBy ?? '', /launch-timeout/);
  });
});
}
