import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ProtocolOracle, type OracleRun } from '../support/protocolOracle.js';

/**
 * The protocol oracle's process handling (test/support/protocolOracle.ts), with a stand-in that
 * speaks its line protocol: it answers its first run and panics on its second, as the Go oracle
 * did once in CI. A run after the crash gets a new process, so fast-check shrinks against a live
 * oracle instead of the crash.
 */

const dir = mkdtempSync(join(tmpdir(), 'ccaas-oracle-process-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function standIn(script: string): string {
  const bin = join(dir, `oracle-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(bin, `#!/bin/sh\n${script}\n`);
  chmodSync(bin, 0o755);
  return bin;
}

const ANSWER = '{"register":"registered","txs":[],"streamEnd":"EOF","release":"stand-in"}';

const RUN: OracleRun = {
  address: '127.0.0.1:1',
  packageId: 'mycc:0f1e2d',
  namespace: 'mycc',
  seed: [],
  txs: [],
  registerTimeoutMs: 1_000,
  totalQueryLimit: 100_000,
  keyLevelEndorsement: false,
  purgePvtData: false,
  runtimeParams: { useWriteBatch: false, maxSizeWriteBatch: 0, useGetMultipleKeys: false, maxSizeGetMultipleKeys: 0 },
};

describe('the protocol oracle process (test/support/protocolOracle.ts)', () => {
  it('reports a crash with its stderr, and answers the next run from a new process', async () => {
    // the crash closes stdout before its panic reaches stderr, the order that hid the panic in CI
    const oracle = new ProtocolOracle(standIn(`read line; echo '${ANSWER}'\nread line; exec 1>&-; sleep 0.2; echo 'panic: runtime error: invalid memory address' >&2; exit 2`));
    try {
      assert.equal((await oracle.run(RUN)).release, 'stand-in');
      await assert.rejects(oracle.run(RUN), /the protocol oracle exited; stderr: panic: runtime error: invalid memory address/);
      assert.equal((await oracle.run(RUN)).register, 'registered');
    } finally {
      await oracle.stop();
    }
  });

  it('after an answer that did not come in time, the next run is answered by a new process, not by the late line', async () => {
    // the first process answers its first line only after a second; every new one answers at once
    // (each then waits for its stdin to end, which is how stop() asks it to go)
    const marker = join(dir, 'started-once');
    const oracle = new ProtocolOracle(standIn(`if [ -e '${marker}' ]; then read line; echo '${ANSWER.replace('stand-in', 'fresh')}'; else touch '${marker}'; read line; sleep 1; echo '${ANSWER.replace('stand-in', 'late')}'; fi\nread line`));
    try {
      await assert.rejects(oracle.run(RUN, 50), /gave no answer in 50 ms/);
      assert.equal((await oracle.run(RUN)).release, 'fresh');
    } finally {
      await oracle.stop();
    }
  });
});
