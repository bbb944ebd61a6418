import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { unmarshal, type GoStructType } from '../../src/gojson/index.js';
import { metadataDoc } from './ccaas-arbitraries.js';
import { Oracle, oracleUnavailable, propertyRuns, propertySeed, type OracleVerdict } from './json-oracle-client.js';

/** metadata.json (PKG-05): our Go JSON decoding against Go's own, on generated documents. */

const RUNS = propertyRuns(2000);
const META: GoStructType = {
  name: 'ChaincodePackageMetadata', pkg: 'persistence',
  fields: ['type', 'path', 'label'].map((json) => ({ json, kind: { kind: 'string' as const } })),
};

const ours = (doc: Buffer): string => {
  const r = unmarshal(doc, META);
  if (r.error !== null) return `error: ${r.error}`;
  const s = (k: string) => (r.values.get(k) as string | undefined) ?? '';
  return `ok: ${JSON.stringify([s('type'), s('path'), s('label')])}`;
};
const theirs = (v: OracleVerdict): string =>
  v.ok ? `ok: ${JSON.stringify([v.result?.['type'], v.result?.['path'], v.result?.['label']])}` : `error: ${v.error}`;

describe('metadata.json decoding agrees with Go encoding/json', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());

  it(`${RUNS} generated documents: same accept/reject and exact error text`, { skip: skip ?? false, timeout: 600_000 }, async () => {
    const seed = propertySeed('json-metadata');
    const tally = { accepted: 0, rejected: 0 };
    await fc.assert(fc.asyncProperty(metadataDoc, async (doc) => {
      const want = theirs(await oracle!.ask({ mode: 'metadata', input: doc }));
      assert.equal(ours(doc), want, `document ${JSON.stringify(doc.toString('latin1'))}`);
      tally[want.startsWith('ok') ? 'accepted' : 'rejected']++;
    }), { seed, numRuns: RUNS });
    process.stdout.write(`# json-metadata: ${RUNS} agreed (${tally.accepted} accepted, ${tally.rejected} rejected)\n`);
    assert.ok(tally.accepted > RUNS / 10 && tally.rejected > RUNS / 10, 'generator covers both verdicts');
  });
});
