import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { unmarshalStringMap } from '../../src/gojson/index.js';
import { execTemplate } from '../../src/gotemplate/index.js';
import { LEFT_TO_GO, builderConfig, templateText } from './ccaas-arbitraries.js';
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
      // what the twin says it leaves to Go (LEFT_TO_GO) is counted, never compared
      if (!r.ok && r.phase === 'unsupported' && LEFT_TO_GO.test(r.error)) {
        tally.unsupported++;
        return;
      }
      assert.notEqual(r.ok ? '' : r.phase, 'unsupported', `generated a construct we do not reproduce: ${JSON.stringify(t)}`);
      assert.equal(r.ok ? `ok: ${r.output}` : `error: ${r.error}`, v.ok ? `ok: ${String(v.result?.['output'])}` : `error: ${v.error}`, `template ${JSON.stringify(t)} config ${cfg}`);
      tally[r.ok ? 'ok' : (r.phase as 'parse' | 'execute')]++;
    }), { seed, numRuns: RUNS });
    process.stdout.write(`# ccaas-template: ${RUNS} agreed (${tally.ok} rendered, ${tally.parse} parse errors, ${tally.execute} execution errors, ${tally.unsupported} constructs left to Go)\n`);
    assert.ok(tally.unsupported < RUNS / 50, 'the generator stays within what the twin reproduces');
  });
});
