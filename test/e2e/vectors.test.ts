import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as messages from '@cucumber/messages';
import { ROOT, tempDir } from '../support/cli.js';

/**
 * The reference's test vectors (contract §9: P package, C extraction, B builders, J
 * connection.json, S stream and protocol) are Gherkin scenarios in features/vectors, each tagged
 * with its vector id, run by Cucumber with the steps of test/vectors. Every feature must pass
 * (no failed, undefined, pending or ambiguous step), and every vector of §9 must be a scenario.
 */

/** Contract reference §9: how many vectors each family has. */
const VECTORS: Readonly<Record<string, number>> = { P: 25, C: 8, B: 13, J: 22, S: 32 };

const FEATURES = join(ROOT, 'features', 'vectors');
const CUCUMBER = join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
/** One feature file's run; the test's own timeout is a minute longer, so the run is reported, not cancelled. */
const RUN_DEADLINE_MS = 540_000;

interface FeatureRun {
  readonly code: number | null;
  readonly output: string;
  readonly envelopes: messages.Envelope[];
}

function runFeature(file: string, messagesFile: string): Promise<FeatureRun> {
  return new Promise((resolve, reject) => {
    // its own process group, killed whole at the deadline (before the test's own timeout)
    const child = spawn(process.execPath, [CUCUMBER, join(FEATURES, file), '--require', join(ROOT, 'dist', 'test', 'vectors', '*.js'), '--format', `message:${messagesFile}`, '--format', 'summary'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, RUN_DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      void readFile(messagesFile, 'utf8')
        .then((text) => resolve({ code, output, envelopes: text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as messages.Envelope) }))
        .catch(reject);
    });
  });
}

describe('reference vectors as Gherkin scenarios (features/vectors)', () => {
  let dir: { path: string; remove(): Promise<void> };
  const seen = new Map<string, number>();
  before(async () => {
    dir = await tempDir('vectors-');
  });
  after(async () => dir.remove());

  const files = readdirSync(FEATURES).filter((f) => f.endsWith('.feature')).sort();
  for (const file of files) {
    it(`${file}: every scenario passes`, { timeout: 600_000 }, async () => {
      const run = await runFeature(file, join(dir.path, `${file}.ndjson`));
      const pickles = run.envelopes.flatMap((e) => (e.pickle ? [e.pickle] : []));
      const statuses = new Map<string, string>();
      const skippedPickles = new Set<string>();
      const caseOf = new Map(run.envelopes.flatMap((e) => (e.testCase ? [[e.testCase.id, e.testCase.pickleId] as const] : [])));
      const startedCase = new Map(run.envelopes.flatMap((e) => (e.testCaseStarted ? [[e.testCaseStarted.id, e.testCaseStarted.testCaseId] as const] : [])));
      for (const e of run.envelopes) {
        const f = e.testStepFinished;
        if (!f) continue;
        const pickleId = caseOf.get(startedCase.get(f.testCaseStartedId) ?? '') ?? '';
        // A scenario whose own step skipped it (Fabric's ccaas_builder without the mirror) is not a failure; every other status is.
        if (f.testStepResult.status === 'SKIPPED') skippedPickles.add(pickleId);
        else if (f.testStepResult.status !== 'PASSED') statuses.set(pickleId, `${f.testStepResult.status}${f.testStepResult.message ? `: ${f.testStepResult.message.split('\n').slice(0, 6).join('\n')}` : ''}`);
      }
      const bad = pickles.filter((p) => statuses.has(p.id)).map((p) => `${p.name}: ${statuses.get(p.id) ?? ''}`);
      assert.deepEqual(bad, [], `not passing in ${file}`);
      assert.equal(run.code, 0, run.output);
      assert.ok(pickles.length > 0, `${file} has no scenario`);
      // A vector counts once one of its scenarios passed; a skipped one does not count.
      for (const p of pickles.filter((x) => !skippedPickles.has(x.id))) {
        for (const t of p.tags) {
          const id = t.name.slice(1);
          if (/^[PCBJS]\d+$/.test(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
    });
  }

  it('every vector of contract §9 is a scenario (tagged with its id)', () => {
    const missing: string[] = [];
    for (const [family, n] of Object.entries(VECTORS)) for (let i = 1; i <= n; i++) if (!seen.has(`${family}${i}`)) missing.push(`${family}${i}`);
    assert.deepEqual(missing, []);
    const unknown = [...seen.keys()].filter((id) => Number(id.slice(1)) > (VECTORS[id[0] as string] ?? 0));
    assert.deepEqual(unknown, [], 'tags naming no vector of §9');
  });
});
