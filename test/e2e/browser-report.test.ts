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
    for (const s of ['passed', 'failed', 'not-applicable', 'disabled'] as const) assert.equal(await countsShown(page, 'MUST', s), result.tallies.MUST[s], `MUST ${s}`);
    assert.equal(await countsShown(page, 'SHOULD', 'passed'), result.tallies.SHOULD.passed);
    // A passing run leads with no problem list, and shows every rule.
    assert.equal(await page.locator('#problems').count(), 0);
    // Inline code is shown as code, never as raw backticks.
    assert.ok((await page.locator('.desc code').count()) > 0, 'a stage description with inline code');
    for (const text of await page.locator('.desc, .title, .msg, .fix').allInnerTexts()) assert.doesNotMatch(text, /`[^`]+`/, `raw markdown in ${text}`);
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
    for (const s of ['passed', 'failed', 'blocked'] as const) assert.equal(await countsShown(page, 'MUST', s), result.tallies.MUST[s], `MUST ${s}`);

    const row = page.locator('#rule-PROTO-04');
    assert.equal(await row.getAttribute('data-status'), 'failed');
    assert.match(await row.locator('.peer pre').innerText(), /^peer will not accept external chaincode connection asset_ccaas:0{64} \(except in dev mode\)$/);
    assert.ok(await row.locator('.fix').isVisible());

    // The ChaincodeMessage transcript drawer shows the REGISTER the peer refused.
    const drawer = page.locator('details[data-evidence="transcript"]');
    await drawer.locator('summary').click();
    assert.match(await drawer.locator('.body').innerText(), /chaincode → peer\s+REGISTER/);

    // A failing run opens on the problems; "Only problems" comes back to them after "Show all".
    assert.equal(await page.locator('tr.rule[data-status="passed"]').first().isVisible(), false);
    await page.locator('#show-all').click();
    assert.ok(await page.locator('tr.rule[data-status="passed"]').first().isVisible());
    await page.locator('#only-problems').click();
    assert.equal(await page.locator('tr.rule[data-status="passed"]').first().isVisible(), false);
    assert.ok(await row.isVisible());
    await page.locator('#show-all').click();

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-failing.png'), fullPage: true });
    await page.close();
    assert.deepEqual(external, [], 'the report must not load anything from the network');
  });

  it('leads a failing run with its failures: every failed MUST rule and the re-run command on the first screen at 1400x900', async () => {
    // Nothing listens at the package's address: the dial fails (DIAL-03) and blocks what follows.
    const port = await freePort();
    const pkg = await writeSamplePackage(join(dir.path, 'nodial.tgz'), { address: `localhost:${port}` });
    const run = await runCli([pkg, '--quiet'], { reportDir: join(dir.path, 'nodial') });
    assert.equal(run.code, 1, run.stderr);
    const result: ResultJson = await run.result();
    const failedMust = result.rules.filter((r) => r.level === 'MUST' && r.status === 'failed');
    assert.ok(failedMust.some((r) => r.id === 'DIAL-03'), `DIAL-03 should fail: ${failedMust.map((r) => r.id).join(', ')}`);
    assert.ok(result.tallies.MUST.blocked > 0);
    assert.ok(result.gate.rerunCommand);

    const page = await browser.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(pathToFileURL(join(run.reportDir, 'index.html')).href);
    assert.equal(await page.evaluate('window.scrollY'), 0);
    const onFirstScreen = async (what: string, box: { y: number; height: number } | null): Promise<void> => {
      assert.ok(box, `${what} is not rendered`);
      assert.ok(box.y >= 0 && box.y + box.height <= 900, `${what} is not within the first screen (y ${Math.round(box.y)}..${Math.round(box.y + box.height)} of 900)`);
    };
    for (const r of failedMust) {
      const li = page.locator(`#problems li[data-rule="${r.id}"]`);
      assert.ok(await li.isVisible(), `${r.id} is not named in the banner`);
      const text = await li.innerText();
      assert.ok(text.includes(r.id), text);
      assert.ok(text.replace(/\s+/g, ' ').includes((r.message.split('\n')[0] ?? '').replace(/`/g, '').replace(/\s+/g, ' ').trim()), `${r.id}: the message is not shown whole: ${text}`);
      await onFirstScreen(`${r.id} and its message`, await li.boundingBox());
      // Each is a link to its row.
      assert.equal(await li.locator('a.lead').getAttribute('href'), `#rule-${r.id}`);
    }
    // The rules blocked by DIAL-03 name their blocker, with a link.
    assert.match(await page.locator('#problems li.blocker').first().innerText(), /blocked \(not judged\) by DIAL-03/);
    const rerun = page.locator('#rerun-top');
    assert.equal(await rerun.evaluate((e) => e.textContent), result.gate.rerunCommand);
    await onFirstScreen('the re-run command', await rerun.boundingBox());
    await onFirstScreen('its copy button', await page.locator('#copy-rerun').boundingBox());
    // No word of the command is broken across lines (not DIAL- / 06, not a path).
    const broken = await page.evaluate("[...document.querySelectorAll('#rerun-top .tok')].filter((t) => t.getClientRects().length > 1).map((t) => t.textContent)");
    assert.deepEqual(broken, []);
    await page.locator('#copy-rerun').click();
    await page.waitForFunction("document.getElementById('copy-rerun').textContent === 'Copied'", undefined, { timeout: 10_000 });

    // The problems view is the default; one click shows everything.
    assert.equal(await page.locator('tr.rule[data-status="passed"]').first().isVisible(), false);
    assert.ok(await page.locator('#rule-DIAL-03').isVisible());
    await page.locator('#show-all-top').click();
    assert.ok(await page.locator('tr.rule[data-status="passed"]').first().isVisible());
    assert.equal(await page.locator('tr.rule:visible').count(), result.rules.length);

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'report-dial-fails-first-screen.png') });
    await page.close();
  });
});
