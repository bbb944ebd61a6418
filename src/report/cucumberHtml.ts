import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as messages from '@cucumber/messages';

/**
 * cucumber.html, Cucumber's own report: what Cucumber's `html` formatter writes (its
 * @cucumber/html-formatter stream, attachments kept inline), made after the run from the
 * envelopes as messages.ndjson holds them, already redacted. The rest of the page is the
 * formatter's own constant template, stylesheet and script, which hold nothing of the run.
 */
export async function writeCucumberHtml(file: string, envelopes: readonly messages.Envelope[]): Promise<void> {
  const { CucumberHtmlStream } = require('@cucumber/html-formatter') as typeof import('@cucumber/html-formatter');
  await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(file));
}
