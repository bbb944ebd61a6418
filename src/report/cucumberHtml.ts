import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as messages from '@cucumber/messages';

/**
 * cucumber.html, Cucumber's own report: what Cucumber's `html` formatter writes (its
 * @cucumber/html-formatter, attachments kept inline), made after the run from the envelopes as
 * messages.ndjson holds them, already redacted. The rest of the page is the formatter's own
 * constant template, stylesheet and script, which hold nothing of the run.
 *
 * The formatter's stream fills its template (`index.mustache`) in a fixed order: the title, the
 * icon, the stylesheet, the envelopes (each JSON.stringify'd with `<` escaped, comma separated)
 * and the script. The page is filled here in one piece from the same files, byte for byte what
 * the stream writes (test/unit/cucumber-html.test.ts compares them), without the stream's many
 * chunked reads and event-loop turns; a template without the expected placeholders (another
 * formatter version) is written by the formatter's stream itself. The formatter's files (about
 * 1 MB) are read ahead, while the run still waits on the chaincode server (`prepareCucumberHtml`),
 * and written as read, so the page's constant part is neither read nor encoded after the run.
 */

interface Template {
  /** The bytes before the envelopes and after them (the script included). */
  readonly before: Buffer;
  readonly after: Buffer;
}

const PLACEHOLDERS = ['{{title}}', '{{icon}}', '{{css}}', '{{custom_css}}', '{{messages}}', '{{script}}', '{{custom_script}}'] as const;

/** The formatter's files. */
export interface FormatterFiles {
  readonly template: string;
  readonly icon: string;
  readonly css: string;
  readonly js: string;
}

/** The formatter's files, where its stream reads them (its defaults: dist/main.css, dist/main.js, dist/src/icon.url). */
function formatterFiles(): FormatterFiles {
  const src = dirname(require.resolve('@cucumber/html-formatter'));
  return {
    template: join(src, 'index.mustache'),
    icon: join(src, 'icon.url'),
    css: join(src, '..', 'main.css'),
    js: join(src, '..', 'main.js'),
  };
}

/** The page around the envelopes, or null when the template is not the one this fill knows. */
export async function fillTemplate(f: FormatterFiles = formatterFiles()): Promise<Template | null> {
  const [template, icon, css, js] = await Promise.all([readFile(f.template, 'utf8'), readFile(f.icon), readFile(f.css), readFile(f.js)]);
  const t = template;
  const at = PLACEHOLDERS.map((p) => t.indexOf(p));
  // each placeholder once, in the stream's order
  if (at.some((i, k) => i < 0 || (k > 0 && i <= (at[k - 1] as number)) || t.indexOf(PLACEHOLDERS[k] as string, i + 1) >= 0)) return null;
  const between = (k: number): Buffer => Buffer.from(t.slice((at[k] as number) + (PLACEHOLDERS[k] as string).length, at[k + 1]));
  const before = Buffer.concat([Buffer.from(t.slice(0, at[0])), Buffer.from('Cucumber'), between(0), icon, between(1), css, between(2), between(3)]);
  const after = Buffer.concat([between(4), js, between(5), Buffer.from(t.slice((at[6] as number) + (PLACEHOLDERS[6] as string).length))]);
  return { before, after };
}

let prepared: Promise<Template | null> | null = null;

/** Starts reading the installed formatter's files for the run's cucumber.html (once per process). */
export function prepareCucumberHtml(): void {
  if (prepared) return;
  prepared = fillTemplate();
  // a failure is met again, and reported, by writeCucumberHtml
  prepared.catch(() => undefined);
}

/** One envelope as the formatter writes it into the page's script element. */
function envelopeText(e: messages.Envelope): string {
  // `<` as \x3C, so that no `</script>` in the data ends the element (as the formatter does)
  return JSON.stringify(e).replace(/</g, '\\x3C');
}

/** Writes cucumber.html for the run's (redacted) envelopes. */
export async function writeCucumberHtml(file: string, envelopes: readonly messages.Envelope[]): Promise<void> {
  prepareCucumberHtml();
  const page = await (prepared as Promise<Template | null>);
  if (page === null) {
    const { CucumberHtmlStream } = require('@cucumber/html-formatter') as typeof import('@cucumber/html-formatter');
    await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(file));
    return;
  }
  await writeFile(file, Buffer.concat([page.before, Buffer.from(envelopes.map(envelopeText).join(',')), page.after]));
}
