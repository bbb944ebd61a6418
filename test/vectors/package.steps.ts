import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import type { Outcome } from '../../src/findings.js';
import { calculatePackageId, inspectPackage, untarChain, untarCode, type CalculatedPackageId, type InspectedPackage } from '../../src/package/index.js';
import { UNTAR_PREFIX } from '../../src/package/texts.js';
import { gzipBytes, paxRecords, simplePackage, tarBytes, type GzipOptions, type RawEntry } from '../unit/package-fixtures.js';
import type { VectorWorld } from './world.js';

/**
 * Reference §9.1 (P1-P25): the chaincode install package as `_lifecycle InstallChaincode` parses
 * it, through src/package's inspectPackage and calculatePackageId; and §9.2 (C1-C8): code.tar.gz
 * as the peer extracts it for the external builders, through untarCode. Inputs are built here with
 * the fixtures' raw tar and gzip writers, from the tables of the features.
 *
 * Table vocabulary (columns `entry`, `kind`, `content`, and optionally `mode`, `PAX records`):
 * kind is `file`, `directory`, `symlink to <target>`, `hard link to <target>`, `FIFO` or
 * `PAX global header`; content is literal UTF-8 text, `k=v, k=v` records for a PAX global header,
 * or `gzip(tar[connection.json])`, a code.tar.gz holding one connection.json (CONNECTION_JSON).
 */

const CONNECTION_JSON = '{"address":"h:1","dial_timeout":"10s"}';
const CODE_ARCHIVE = 'gzip(tar[connection.json])';
const connectionEntry = (): RawEntry => ({ name: 'connection.json', body: Buffer.from(CONNECTION_JSON, 'utf8') });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function records(text: string): Array<[string, string]> {
  return text
    .split(', ')
    .filter((r) => r !== '')
    .map((r) => {
      const i = r.indexOf('=');
      if (i < 1) throw new Error(`not a k=v record: ${r}`);
      return [r.slice(0, i), r.slice(i + 1)];
    });
}

function contentOf(text: string): Buffer {
  return text === CODE_ARCHIVE ? gzipBytes(tarBytes([connectionEntry()])) : Buffer.from(text, 'utf8');
}

/** One row of an entries table as a raw tar entry. */
function entryOf(row: Record<string, string>): RawEntry {
  const name = row['entry'] ?? '';
  const kind = row['kind'] ?? 'file';
  const content = row['content'] ?? '';
  const e: RawEntry = { name };
  const link = /^(symlink|hard link) to (.+)$/.exec(kind);
  if (kind === 'file') e.body = contentOf(content);
  else if (kind === 'directory') e.type = '5';
  else if (kind === 'FIFO') e.type = '6';
  else if (kind === 'PAX global header') {
    e.type = 'g';
    e.body = paxRecords(records(content));
  } else if (link) {
    e.type = link[1] === 'symlink' ? '2' : '1';
    e.linkname = link[2] as string;
  } else throw new Error(`unknown entry kind '${kind}'`);
  if (kind !== 'file' && kind !== 'PAX global header' && content !== '') throw new Error(`a ${kind} entry has no content: '${content}'`);
  const mode = row['mode'];
  if (mode !== undefined && mode !== '') e.mode = parseInt(mode, 8);
  const pax = row['PAX records'];
  if (pax !== undefined && pax !== '') e.pax = records(pax);
  return e;
}

// ---- §9.1 the package -------------------------------------------------------------------------

interface PackageSpec {
  entries: RawEntry[];
  gzip: GzipOptions;
  gzipped: boolean;
}

const spec = (w: VectorWorld): PackageSpec => w.get<PackageSpec>('package.spec');
const inspected = (w: VectorWorld): InspectedPackage => w.get<InspectedPackage>('package.inspected');
const bytesOf = (w: VectorWorld): Buffer => w.get<Buffer>('package.bytes');
const findingOf = (r: InspectedPackage, rule: string): InspectedPackage['findings'][number] | undefined => r.findings.find((f) => f.rule === rule);

function setPackage(w: VectorWorld, entries: RawEntry[]): void {
  w.state.set('package.spec', { entries, gzip: {}, gzipped: true } satisfies PackageSpec);
}

/** The usual package with metadata.json replaced (the fixtures' simplePackage layout). */
function withMetadata(w: VectorWorld, metadata: Buffer): void {
  setPackage(w, [{ name: 'metadata.json', body: metadata }, { name: 'code.tar.gz', body: contentOf(CODE_ARCHIVE) }]);
}

async function packageFile(w: VectorWorld): Promise<string> {
  const s = spec(w);
  const tar = tarBytes(s.entries);
  const bytes = s.gzipped ? gzipBytes(tar, s.gzip) : tar;
  const file = join(await w.dir(), 'package.tar.gz');
  await writeFile(file, bytes);
  w.state.set('package.bytes', bytes);
  return file;
}

Given(/^a package whose outer tar holds:$/, function (this: VectorWorld, table: DataTable) {
  setPackage(this, table.hashes().map(entryOf));
});

Given(/^a package that is a plain tar, not gzipped, holding:$/, function (this: VectorWorld, table: DataTable) {
  setPackage(this, table.hashes().map(entryOf));
  spec(this).gzipped = false;
});

Given(/^the package's gzip header carries the modification time (\d+)$/, function (this: VectorWorld, mtime: string) {
  spec(this).gzip.mtime = Number(mtime);
});

// The label may hold a newline (a Gherkin `\n` in a table cell): [^`]* crosses lines.
Given(/^a package whose label is `([^`]*)`$/, function (this: VectorWorld, label: string) {
  withMetadata(this, Buffer.from(JSON.stringify({ type: 'ccaas', label }), 'utf8'));
});

Given(/^a package whose metadata\.json is `(.*)`$/, function (this: VectorWorld, doc: string) {
  withMetadata(this, Buffer.from(doc, 'utf8'));
});

Given(/^a package whose metadata\.json is `(.*)` after a UTF-8 byte order mark$/, function (this: VectorWorld, doc: string) {
  withMetadata(this, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc, 'utf8')]));
});

const CODE_VARIANTS: Readonly<Record<string, () => Buffer>> = {
  'empty (0 bytes)': () => Buffer.alloc(0),
  'a plain tar of connection.json, not gzipped': () => tarBytes([connectionEntry()]),
  'the gzip of zero bytes': () => gzipBytes(Buffer.alloc(0)),
};

Given(/^a package whose code\.tar\.gz is (.+)$/, function (this: VectorWorld, variant: string) {
  const make = CODE_VARIANTS[variant];
  if (!make) throw new Error(`unknown code.tar.gz '${variant}': one of ${Object.keys(CODE_VARIANTS).join(' / ')}`);
  setPackage(this, [{ name: 'metadata.json', body: Buffer.from('{"type":"ccaas","label":"mycc"}', 'utf8') }, { name: 'code.tar.gz', body: make() }]);
});

When('the peer parses the package for install', async function (this: VectorWorld) {
  const file = await packageFile(this);
  const work = join(await this.dir(), 'work');
  await mkdir(work, { recursive: true });
  this.state.set('package.inspected', await inspectPackage(file, work));
});

When("the peer CLI calculates the package's ID", async function (this: VectorWorld) {
  this.state.set('package.calculated', await calculatePackageId(await packageFile(this)));
});

Then(/^the package is accepted with the package ID "([^"]*)" followed by the SHA-256 of the whole file$/, function (this: VectorWorld, prefix: string) {
  const r = inspected(this);
  const bytes = bytesOf(this);
  assert.equal(r.failure, null, r.failure?.peerError ?? r.failure?.message);
  assert.equal(r.packageId, `${prefix}${sha(bytes)}`);
  assert.equal(r.sha256, sha(bytes));
});

// [\s\S]: an invalid label may hold a newline, and the peer quotes it as it is.
Then(/^the package is refused at rule "([A-Z]+-\d+)" with `([\s\S]*)`$/, function (this: VectorWorld, rule: string, text: string) {
  const r = inspected(this);
  assert.ok(r.failure, `the peer accepted it as ${r.packageId ?? '(no ID)'}`);
  assert.equal(r.failure.peerError, text);
  assert.equal(r.failure.rule, rule);
  assert.equal(findingOf(r, rule)?.status, 'failed', `no failed ${rule} finding`);
});

Then('the package has no ID: the parse stopped before the label', function (this: VectorWorld) {
  assert.equal(inspected(this).packageId, null);
});

Then(/^the package reads as label "([^"]*)" and type "([^"]*)"$/, function (this: VectorWorld, label: string, type: string) {
  const r = inspected(this);
  assert.equal(r.label, label);
  assert.equal(r.type, type);
});

Then('no rule fails for the package', function (this: VectorWorld) {
  for (const f of inspected(this).findings) assert.notEqual(f.status, 'failed', `${f.rule}: ${f.message}`);
});

Then(/^the package hands the builders metadata\.json `(.*)`$/, function (this: VectorWorld, doc: string) {
  assert.deepEqual(inspected(this).builderInput?.metadataJson, Buffer.from(doc, 'utf8'));
});

Then("the package's ID differs from the ID of P1's package", function (this: VectorWorld) {
  // simplePackage() is P1's table: metadata.json then gzip(tar[connection.json]), gzip mtime 0.
  const p1 = `mycc:${sha(simplePackage())}`;
  assert.match(inspected(this).packageId ?? '', /^mycc:[0-9a-f]{64}$/);
  assert.notEqual(inspected(this).packageId, p1);
});

Then(/^the package is flagged at rule "([A-Z]+-\d+)"(?:, saying `(.*)`)?$/, function (this: VectorWorld, rule: string, words: string | undefined) {
  const f = findingOf(inspected(this), rule);
  assert.equal(f?.status, 'failed', `${rule}: ${f?.status ?? 'not judged'}`);
  if (words !== undefined) assert.ok(f.message.includes(words), `${rule} says: ${f.message}`);
});

Then(/^the peer warns about the package at rule "([A-Z]+-\d+)": `(.*)`$/, function (this: VectorWorld, rule: string, text: string) {
  const f = findingOf(inspected(this), rule);
  assert.equal(f?.status, 'failed', `${rule}: ${f?.status ?? 'not judged'}`);
  assert.equal(f.peerError, text);
});

Then(/^calculatepackageid would still print "([^"]*)" followed by the SHA-256 of the whole file$/, function (this: VectorWorld, prefix: string) {
  assert.equal(inspected(this).packageId, `${prefix}${sha(bytesOf(this))}`);
});

Then('the package extracts for the builders to a source directory without connection.json at its root', function (this: VectorWorld) {
  const c = findingOf(inspected(this), 'CODE-01');
  assert.equal(c?.status, 'passed', c?.message);
  assert.equal(c.evidence?.['connectionJsonAtRoot'], false);
});

Then(/^installing the package again is refused with `(.*)`$/, function (this: VectorWorld, text: string) {
  const r = inspected(this);
  assert.ok(r.packageId, 'the package has no ID');
  assert.equal(findingOf(r, 'PKG-10')?.evidence?.['reinstall'], text.replaceAll('{id}', r.packageId));
});

Then(/^calculatepackageid prints "([^"]*)" followed by the SHA-256 of the whole file$/, function (this: VectorWorld, prefix: string) {
  const c = this.get<CalculatedPackageId>('package.calculated');
  assert.equal(c.failure, null, c.failure?.peerError ?? c.failure?.message);
  assert.equal(c.packageId, `${prefix}${sha(bytesOf(this))}`);
});

// ---- §9.2 extraction for the external builders --------------------------------------------------

type Extracted = Outcome<{ files: number; bytes: number }>;
const extracted = (w: VectorWorld): Extracted => w.get<Extracted>('code.extracted');
const srcDir = (w: VectorWorld): string => w.get<string>('code.src');

Given(/^a code\.tar\.gz holding:$/, function (this: VectorWorld, table: DataTable) {
  this.state.set('code.entries', table.hashes().map(entryOf));
});

Given(/^the peer's process umask is (0[0-7]{2,3})$/, function (this: VectorWorld, mask: string) {
  const old = process.umask(parseInt(mask, 8));
  this.onCleanup(() => {
    process.umask(old);
  });
});

When('the peer extracts the code.tar.gz into the build context', async function (this: VectorWorld) {
  const dir = await this.dir();
  const file = join(dir, 'code.tar.gz');
  await writeFile(file, gzipBytes(tarBytes(this.get<RawEntry[]>('code.entries'))));
  const src = join(dir, 'src');
  await mkdir(src);
  this.state.set('code.src', src);
  this.state.set('code.extracted', await untarCode(file, src));
});

Then(/^the code\.tar\.gz is refused at rule "([A-Z]+-\d+)" with `(.*)`$/, function (this: VectorWorld, rule: string, text: string) {
  const r = extracted(this);
  assert.ok(!r.ok, `extracted ${JSON.stringify(r.ok ? r.value : null)}`);
  const inner = r.failure.peerError ?? '';
  assert.ok(inner.startsWith(UNTAR_PREFIX), `build-context text: ${inner}`);
  assert.equal(untarChain(inner.slice(UNTAR_PREFIX.length)), text.replaceAll('{src}', srcDir(this)));
  assert.equal(r.failure.rule, rule);
});

Then('the code.tar.gz extracts', function (this: VectorWorld) {
  const r = extracted(this);
  assert.ok(r.ok, r.ok ? '' : (r.failure.peerError ?? r.failure.message));
});

Then(/^the extracted file `(.+)` holds `(.*)`$/, async function (this: VectorWorld, name: string, content: string) {
  assert.equal(await readFile(join(srcDir(this), name), 'utf8'), content);
});

Then(/^the extracted file `(.+)` has mode (0[0-7]{3})$/, async function (this: VectorWorld, name: string, mode: string) {
  const got = (await stat(join(srcDir(this), name))).mode & 0o7777;
  assert.equal(got.toString(8).padStart(4, '0'), mode);
});
