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
import { adminCookie, cli, startBackend } from './backend.mjs';
import { adminBrowser, keepFailure, shots } from './support.mjs';

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
  ({ browser, context, page } = await adminBrowser(backend.baseURL, cookie, problems, { acceptDownloads: true, locale: 'sv-SE' }));
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
      // The first bundle holds nothing: it says so instead of "0 became orders".
      assert.match(await result.textContent(), /Paket nr 1 från Bygget Norr togs emot\. Det hade inga registreringar\./);
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

  test('Settings → Sync: transport imap with its IMAP server, the connection test answers with a sentence', async () => {
    try {
      await page.goto('/#/settings?tab=sync');
      const transport = page.getByLabel('Hur paket från kiosker kommer');
      await transport.waitFor();
      // The mailbox fields only once the transport is imap.
      assert.equal(await page.getByLabel('IMAP-server').count(), 0);
      await transport.selectOption('imap');
      await page.getByLabel('IMAP-server').fill('127.0.0.1');
      await page.getByLabel('IMAP-port').fill('1');
      await page.getByLabel('IMAP-säkerhet').selectOption('none');
      await page.getByLabel('Synkadress').fill('id06-sync@bygg.se');
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      await page.getByTestId('settings-saved').waitFor();
      const res = await page.request.get('/api/settings');
      const st = await res.json();
      assert.equal(st.values['sync.transport'], 'imap');
      assert.equal(st.values['sync.imap.host'], '127.0.0.1');
      // No user name yet: the setting's own sentence, and no "server's
      // words", since no server was asked.
      await page.getByTestId('sync-test-run').click();
      const answer = page.getByTestId('sync-test-result');
      await answer.waitFor();
      assert.match(await answer.textContent(), /Inget IMAP-användarnamn är ifyllt/);
      assert.doesNotMatch(await answer.textContent(), /Serverns svar/);
      await page.getByLabel('IMAP-användare').fill('id06-sync@bygg.se');
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      await page.getByTestId('settings-saved').waitFor();
      // Nobody listens on port 1: ok false, the sentence and the words of
      // the connection attempt.
      await page.getByTestId('sync-test-run').click();
      await page.waitForFunction(() => !document.querySelector('[data-testid="sync-test-result"]')?.textContent?.includes('användarnamn'));
      assert.match(await answer.textContent(), /anslutningen nekades/);
      assert.ok((await answer.textContent()).trim().length > 20, await answer.textContent());
      assert.match(await answer.getAttribute('class'), /notice-error/);
      assert.match(await answer.textContent(), /\. Serverns svar: /);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);
      await page.screenshot({ path: path.join(shots, 'settings-sync.png'), fullPage: true });
    } catch (e) {
      await keepFailure(page, 'settings-sync', e);
    }
  });

  test('Kiosks & sync: a kiosk with its mailbox, Sync now says what it did and the problem in Swedish', async () => {
    try {
      await page.goto('/#/kiosks');
      await page.getByTestId('mail-sync').waitFor();
      assert.match(await page.getByTestId('mail-transport').textContent(), /id06-sync@bygg\.se/);
      await page.getByTestId('kiosk-add').click();
      await page.getByLabel('Namn').fill('Bygget Syd');
      await page.getByTestId('kiosk-mail').fill('bygget-syd@bygg.se');
      await page.getByTestId('kiosk-add-form').getByRole('button').click();
      await page.getByTestId('kiosk-paired').waitFor();
      await page.getByTestId('pairing-close').click();
      const row = page.getByTestId('kiosk-row').filter({ hasText: 'Bygget Syd' });
      await row.getByTestId('kiosk-mailbox').waitFor();
      assert.equal((await row.getByTestId('kiosk-mailbox').textContent()).trim(), 'bygget-syd@bygg.se');
      assert.match(await row.getByTestId('kiosk-mail-cell').textContent(), /Inget mejl än/);
      assert.equal(await page.getByTestId('sync-mails-empty').count(), 1);

      await page.getByTestId('mail-sync-now').click();
      const result = page.getByTestId('mail-sync-result');
      await result.waitFor();
      // The mailbox cannot be reached (port 1): the round says so in Swedish.
      const problems = page.getByTestId('mail-sync-problems');
      await problems.waitFor();
      assert.ok((await problems.textContent()).trim().length > 10, await problems.textContent());
      assert.match(await page.getByTestId('mail-transport').textContent(), /Senaste synk/);
      // Only the problem, not "nothing new" beside it.
      assert.doesNotMatch(await result.textContent(), /Inget nytt/);
      // After a reload the last round's problems are still shown.
      const said = (await problems.locator('li').first().textContent()).trim();
      await page.reload();
      const last = page.getByTestId('mail-sync-last-problems');
      await last.waitFor();
      assert.equal((await last.locator('li').first().textContent()).trim(), said);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);
      // Nor does the table run off its card.
      const cut = await page.getByTestId('kiosk-row').first().evaluate((tr) => {
        const box = tr.closest('table').parentElement;
        return box.scrollWidth - box.clientWidth;
      });
      assert.ok(cut <= 0, `the kiosk table is ${cut} px too wide`);
      await page.screenshot({ path: path.join(shots, 'kiosks-mail.png'), fullPage: true });
    } catch (e) {
      await keepFailure(page, 'kiosks-mail', e);
    }
  });
});
