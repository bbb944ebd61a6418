import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { nodeServerCommand } from '../../mocks/chaincode/node/launch.js';
import { writeSamplePackage } from '../../mocks/sample/sample.js';
import type { ResultJson } from '../../src/report/result.js';
import { freePort, ROOT, runCli, tempDir } from '../support/cli.js';

/**
 * The compliance report as a person sees it: headless Chromium opens index.html of a passing and
 * of a failing run (offline, from file://), checks the verdict, the counts and an evidence
 * drawer, the filters, and keeps full-page screenshots in reports/screenshots/ (git-ignored).
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'reports', 'screenshots');
const missing = !existsSync(CHROMIUM);
const skip = missing && process.env['CI'] !== 'true' ? `chromium not found at ${CHROMIUM} (apt-get install chromium)` : false;

describe('the HTML report in a browser', { skip }, () => {
  let dir: { path: string; remove(): Promise<void> };
  let profile: string;
  let browser: BrowserContext;
  const external: string[] = [];

  before(async () => {
    assert.ok(!missing, `CI=true needs chromium at ${CHROMIUM}`);
    dir = await tempDir();
    profile = await mkdtemp(join(tmpdir(), 'ccaas-chromium-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    browser.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('about:')) external.push(r.url());
    });
  });

  after(async () => {
    await browser?.close();
    await rm(profile, { recursive: true, force: true });
    await dir?.remove();
  });

  async function open(reportDir: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(reportDir, 'index.html')).href);
    return page;
  }

  async function countsShown(page: Page, level: 'MUST' | 'SHOULD', status: string): Promise<number> {
    const cell = page.locator(`#counts .tile[data-level="${level}"] [data-count="${status}"] b`);
    return (await cell.count()) === 0 ? 0 : Number(await cell.innerText());
  }

  it('shows a passing run: verdict, counts, an evidence drawer, filters; screenshot kept', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'ok.tgz'), { address: `localhost:${port}` });
    const run = await runCli([pkg, '--command', nodeServerCommand(), '--quiet'], { reportDir: join(dir.path, 'ok') });
    assert.equal(run.code, 0, run.stderr);
    const result: ResultJson = await run.result();
    const page = await open(run.reportDir);

    assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'conformant');
    assert.match(await page.locator('#verdict .verdict-label').innerText(), /^CONFORMANT$/);
    for (const s of ['passed', 'failed', 'disabled']) assert.equal(await countsShown(page, 'MUST', s), result.counts.MUST[s] ?? 0, `MUST ${s}`);
    assert.equal(await countsShown(page, 'SHOULD', 'passed'), result.counts.SHOULD['passed'] ?? 0);
    assert.equal(await page.locator('#package-id').innerText(), result.package.packageId);
    assert.equal(await page.locator('tr.rule').count(), result.rules.length);

    // An evidence drawer: the builder's bin/detect with its argv and stderr.
    const drawer = page.locator('details[data-evidence="build-detect"]');
    assert.equal(await drawer.getAttribute('open'), null);
    await drawer.locator('summary').click();
    assert.notEqual(await drawer.getAttribute('open'), null);
    assert.ok(await drawer.locator('.body').isVisible());
    assert.match(await drawer.locator('.body').innerText(), /detect .*\/src .*\/metadata/);

    // Filters: passed off hides every passed row.
    const passedRows = page.locator('tr.rule[data-status="passed"]');
    assert.ok(await passedRows.first().isVisible());
    await page.locator('#filters input[value="passed"]').uncheck();
    assert.equal(await passedRows.first().isVisible(), false);
    await page.locator('#show-all').click();
    assert.ok(await passedRows.first().isVisible());

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-passing.png'), fullPage: true });
    await page.close();
  });

  it('shows a failing run: verdict, counts, the peer text and fix, the transcript drawer; screenshot kept', async () => {
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'wrong.tgz'), { address: `localhost:${port}` });
    const wrong = `CORE_CHAINCODE_ID=asset_ccaas:${'0'.repeat(64)} ${nodeServerCommand()}`;
    const run = await runCli([pkg, '--command', wrong, '--quiet'], { reportDir: join(dir.path, 'wrong') });
    assert.equal(run.code, 1, run.stderr);
    const result: ResultJson = await run.result();
    const page = await open(run.reportDir);

    assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'non-conformant');
    assert.match(await page.locator('#verdict .verdict-label').innerText(), /^NOT CONFORMANT$/);
    assert.ok((result.counts.MUST['failed'] ?? 0) >= 1);
    for (const s of ['passed', 'failed', 'skipped']) assert.equal(await countsShown(page, 'MUST', s), result.counts.MUST[s] ?? 0, `MUST ${s}`);

    const row = page.locator('#rule-PROTO-04');
    assert.equal(await row.getAttribute('data-status'), 'failed');
    assert.match(await row.locator('.peer pre').innerText(), /^peer will not accept external chaincode connection asset_ccaas:0{64} \(except in dev mode\)$/);
    assert.ok(await row.locator('.fix').isVisible());

    // The ChaincodeMessage transcript drawer shows the REGISTER the peer refused.
    const drawer = page.locator('details[data-evidence="transcript"]');
    await drawer.locator('summary').click();
    assert.match(await drawer.locator('.body').innerText(), /chaincode → peer\s+REGISTER/);

    // "Only problems" hides the passed rows and keeps the failure.
    await page.locator('#only-problems').click();
    assert.equal(await page.locator('tr.rule[data-status="passed"]').first().isVisible(), false);
    assert.ok(await row.isVisible());
    await page.locator('#show-all').click();

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-failing.png'), fullPage: true });
    await page.close();
    assert.deepEqual(external, [], 'the report must not load anything from the network');
  });
});
