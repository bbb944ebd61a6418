import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { unmarshalStringMap } from '../../src/gojson/index.js';
import { execTemplate } from '../../src/gotemplate/index.js';
import { builderConfig, templateText } from './ccaas-arbitraries.js';
import { Oracle, oracleUnavailable, propertyRuns, propertySeed } from './json-oracle-client.js';

/** text/template with missingkey=error (execTempl): ours against Go's, one template at a time. */

const RUNS = propertyRuns(3000);

describe('text/template subset agrees with Go', () => {
  const skip = oracleUnavailable();
  let oracle: Oracle | null = null;
  before(() => { if (!skip) oracle = Oracle.start(); });
  after(() => oracle?.close());

  it(`${RUNS} generated templates × config: same output or exact parse/exec error`, { skip: skip ?? false, timeout: 900_000 }, async () => {
    const seed = propertySeed('ccaas-template');
    const cfgObject = builderConfig.filter((c) => c === undefined || c === '' || (() => { const r = unmarshalStringMap(Buffer.from(c)); return r.ok; })());
    const tally = { ok: 0, parse: 0, execute: 0, unsupported: 0 };
    await fc.assert(fc.asyncProperty(templateText, cfgObject, async (t, cfg) => {
      const v = await oracle!.ask({ mode: 'template', input: Buffer.from(t, 'utf8'), args: cfg === undefined ? {} : { config: cfg } });
      const data = cfg ? (unmarshalStringMap(Buffer.from(cfg)) as { ok: true; value: Map<string, never> | null }).value : null;
      const r = execTemplate(t, data);
      // The one construct generated on purpose that the twin cannot reproduce: a slice that cuts a
      // UTF-8 sequence (Go strings hold any bytes; JS strings cannot); the twin reports it as such.
      if (!r.ok && r.phase === 'unsupported' && /slice that cuts a UTF-8 sequence/.test(r.error)) {
        tally.unsupported++;
        return;
      }
      assert.notEqual(r.ok ? '' : r.phase, 'unsupported', `generated a construct we do not reproduce: ${JSON.stringify(t)}`);
      assert.equal(r.ok ? `ok: ${r.output}` : `error: ${r.error}`, v.ok ? `ok: ${String(v.result?.['output'])}` : `error: ${v.error}`, `template ${JSON.stringify(t)} config ${cfg}`);
      tally[r.ok ? 'ok' : (r.phase as 'parse' | 'execute')]++;
    }), { seed, numRuns: RUNS });
    process.stdout.write(`# ccaas-template: ${RUNS} agreed (${tally.ok} rendered, ${tally.parse} parse errors, ${tally.execute} execution errors, ${tally.unsupported} slices cutting UTF-8 left to Go)\n`);
  });
});
