// Issue 13 on the console's Kiosks & sync page, with a second data folder
// as the kiosk PC (driven by the command line, as a USB stick would carry
// the files): the admin adds a kiosk and downloads its pairing file; the
// kiosk joins with it and exports its first bundle; the admin imports that
// bundle with the file picker and sees the result; the kiosk shows as
// joined and its site pack downloads and applies at the kiosk; the same
// bundle again is refused with a sentence; the page fits 1280×800 wide.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { adminCookie, cli, startBackend } from './backend.mjs';
import { CHROMIUM, LAUNCH_ARGS, STEP_TIMEOUT, keepFailure, shots } from './support.mjs';

let backend;
let browser;
let context;
let page;
let kioskDir;
const problems = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ settings: { 'company.name': 'Bygg & Söner AB', 'company.org_number': '556036-0793', 'smtp.from': 'id06@bygg.se' } });
  kioskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-kiosk-'));
  const cookie = await adminCookie(backend.baseURL);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  context = await browser.newContext({ baseURL: backend.baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'sv-SE' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, domain: new URL(backend.baseURL).hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await backend?.stop();
  if (kioskDir) fs.rmSync(kioskDir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
});

async function saveDownload(click, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(kioskDir, name);
  await dl.saveAs(file);
  return file;
}

describe('Kiosks & sync (console)', () => {
  test('pair by file, import the first bundle, site pack to the kiosk, a replay refused', async () => {
    try {
      await page.goto('/#/kiosks');
      await page.getByTestId('kiosk-add').click();
      await page.getByLabel('Namn').fill('Bygget Norr');
      await page.getByLabel('Plats (valfri)').fill('Norra länken');
      await page.getByTestId('kiosk-add-form').getByRole('button').click();
      await page.getByTestId('kiosk-paired').waitFor();
      const pairing = await saveDownload(() => page.getByTestId('pairing-download').click(), 'pairing.id06sync');
      assert.match(await page.getByTestId('kiosk-state').textContent(), /Väntar på första paketet/);

      // At the kiosk (by USB stick): join, then the first bundle.
      cli(kioskDir, ['pair', 'join', pairing]);
      const bundle = path.join(kioskDir, 'bundle-1.id06sync');
      cli(kioskDir, ['sync', 'export', '--out', bundle]);

      await page.getByTestId('bundle-file').setInputFiles(bundle);
      const result = page.getByTestId('import-result');
      await result.waitFor();
      assert.match(await result.textContent(), /Bygget Norr/);
      await page.waitForFunction(() => document.querySelector('[data-testid="kiosk-state"]')?.textContent?.includes('Ansluten'));
      // The table fits the window: nothing runs off to the right.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);
      await page.screenshot({ path: path.join(shots, 'kiosks-console.png'), fullPage: true });

      const pack = await saveDownload(() => page.getByTestId('sitepack-download').click(), 'sitepack-1.id06sync');
      assert.match(cli(kioskDir, ['sync', 'import', pack]), /\S/);

      // The same bundle again: refused with a sentence, nothing new.
      await page.getByTestId('bundle-file').setInputFiles(bundle);
      const refused = page.getByTestId('import-error');
      await refused.waitFor();
      assert.ok((await refused.textContent()).trim().length > 20, await refused.textContent());
    } catch (e) {
      await keepFailure(page, 'kiosks-console', e);
    }
  });
});
