import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type * as messages from '@cucumber/messages';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import { fillTemplate, writeCucumberHtml } from '../../src/report/cucumberHtml.js';

/** What the formatter's own stream writes for these envelopes. */
async function byFormatter(envelopes: readonly messages.Envelope[]): Promise<string> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), sink);
  return chunks.join('');
}

const dir = mkdtempSync(join(tmpdir(), 'ccaas-cucumber-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RUN: messages.Envelope[] = [
  { meta: { protocolVersion: '32.3.1', implementation: { name: 'cucumber-js', version: '12.9.0' }, runtime: { name: 'node', version: '20' }, os: { name: 'linux' }, cpu: { name: 'x64' } } },
  { source: { uri: 'features/conformance/dial.feature', data: 'Feature: <script>alert("x")</script> é 漢字 \u2028 \\ "quoted"\n', mediaType: 'text/x.cucumber.gherkin+plain' as messages.SourceMediaType } },
  { attachment: { body: 'the peer said: </script><b>', contentEncoding: 'IDENTITY' as messages.AttachmentContentEncoding, mediaType: 'text/plain', testCaseStartedId: '1' } },
  { testRunFinished: { success: false, timestamp: { seconds: 1, nanos: 2 } } },
];

describe('cucumber.html (src/report/cucumberHtml.ts)', () => {
  it("knows the installed formatter's template, and no other", async () => {
    assert.notEqual(await fillTemplate(), null);
    // another version's template (a placeholder missing, or twice): the formatter's stream writes the page
    let n = 0;
    const files = (template: string): { template: string; icon: string; css: string; js: string } => {
      const t = join(dir, `template-${n++}.mustache`);
      writeFileSync(t, template);
      return { template: t, icon: t, css: t, js: t };
    };
    const all = '{{title}}{{icon}}{{css}}{{custom_css}}{{messages}}{{script}}{{custom_script}}';
    assert.notEqual(await fillTemplate(files(all)), null);
    assert.equal(await fillTemplate(files(all.replace('{{icon}}', ''))), null);
    assert.equal(await fillTemplate(files(`${all}{{messages}}`)), null);
    assert.equal(await fillTemplate(files(all.replace('{{css}}{{custom_css}}', '{{custom_css}}{{css}}'))), null);
  });

  for (const [name, envelopes] of [['a run', RUN], ['no envelope at all', []], ['one envelope', RUN.slice(0, 1)]] as const) {
    it(`writes byte for byte what the formatter's stream writes: ${name}`, async () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.html`);
      await writeCucumberHtml(file, envelopes);
      const ours = readFileSync(file, 'utf8');
      assert.equal(ours, await byFormatter(envelopes));
      // nothing of the data can end the script element early
      if (envelopes.length > 1) assert.ok(!ours.includes('</script><b>'));
    });
  }
});
