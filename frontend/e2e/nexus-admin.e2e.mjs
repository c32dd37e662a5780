// Issue 12 in the console: two ready orders are sent to Nexus from the
// Nexus page (confirmation with the personal-data notice), the batch shows
// with its 2 orders and its zip lands in the data dir's nexus folder (0600),
// the batch is downloaded again, the audit log filtered by
// nexus.batch_created finds the line (the filter survives a reload) and is
// exported as CSV; Settings → Nexus shows the mail fields only for the mail
// channel; the invitation list exports its CSV. Real binary, real SMTP sink.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { adminCookie, startBackend } from './backend.mjs';
import { STEP_TIMEOUT, adminBrowser, consoleAPI, keepFailure, shots, waitForHash } from './support.mjs';

let backend;
let browser;
let cookie;
let context;
let page;
let console_;
const problems = [];
/** Where batches go while nexus.folder is empty: the data dir's nexus folder (--data-dir). */
const nexusFolder = () => path.join(backend.dataDir, 'data', 'nexus');

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ smtp: true, settings: { 'company.name': 'Bygg AB' } });
  cookie = await adminCookie(backend.baseURL);
  console_ = consoleAPI(backend.baseURL, cookie);
  ({ browser, context, page } = await adminBrowser(backend.baseURL, cookie, problems, { acceptDownloads: true }));
});

after(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** Waits for the download a click starts; returns its suggested name and its bytes. */
async function downloadOf(click) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_TIMEOUT }), click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** True when the page scrolls sideways at the current width. */
const scrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('Nexus batches and the audit log in the console', () => {
  let batchId;

  test('send all ready orders: confirmation, result, the batch with 2 orders, the zip in the folder', async () => {
    try {
      await page.goto('/#/nexus/batches');
      await page.getByRole('heading', { name: 'Batcher till Nexus', level: 1 }).waitFor();
      await page.getByText('Inga batcher ännu').waitFor();
      assert.equal(await page.getByTestId('nexus-send-all').isDisabled(), true, 'nothing to send yet');

      const a = await console_.invite('anna@example.se', 'Anna Berg');
      const b = await console_.invite('bo@example.se', 'Bo Lind');
      const orders = [await console_.registerManually(page, a.token, 'Anna', 'Berg'), await console_.registerManually(page, b.token, 'Bo', 'Lind')];

      await page.reload();
      await page.waitForFunction(() => document.querySelector('[data-testid="nexus-ready"]')?.dataset.count === '2');
      assert.match(await page.getByTestId('nexus-ready').textContent(), /2 beställningar är klara att skicka/);

      await page.getByTestId('nexus-send-all').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Skicka 2 beställningar till Nexus?' }).waitFor();
      const folder = nexusFolder();
      assert.match(await dialog.textContent(), /Batchfilen sparas i \//);
      assert.match(await dialog.getByTestId('confirm-personal-data').textContent(), /personuppgifter i klartext/);
      await page.screenshot({ path: path.join(shots, 'nexus-send-confirm.png') });
      await dialog.getByRole('button', { name: 'Skicka', exact: true }).click();

      const sent = page.getByTestId('nexus-sent');
      await sent.waitFor();
      assert.match(await sent.textContent(), /2 beställningar skickades till Nexus/);
      const row = page.getByTestId('batch-row');
      await row.first().waitFor();
      assert.equal(await row.count(), 1);
      assert.equal((await row.getByTestId('batch-count').textContent()).trim(), '2');
      assert.equal(await row.getByTestId('batch-file').getAttribute('data-state'), 'present');
      batchId = (await row.locator('.batch-id').textContent()).trim();
      assert.match(batchId, /^NX-\d{8}-\w{6}$/);
      assert.equal(await page.getByTestId('nexus-ready').getAttribute('data-count'), '0', 'nothing left to send');

      // The zip is in the data dir's nexus folder, readable by its owner only.
      const { batch } = await console_.api('GET', `/api/nexus/batches/${batchId}`);
      assert.ok(batch.zipPath.startsWith(folder + path.sep), `${batch.zipPath} is in ${folder}`);
      assert.match(await sent.textContent(), new RegExp(batch.zipPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const st = fs.statSync(batch.zipPath);
      assert.equal(st.mode & 0o777, 0o600, 'the batch file is 0600');
      assert.equal(fs.readFileSync(batch.zipPath).subarray(0, 2).toString(), 'PK', 'a zip');
      for (const id of orders) assert.equal((await console_.api('GET', `/api/orders/${id}`)).status, 'sent_to_nexus');

      await page.screenshot({ path: path.join(shots, 'nexus-batches.png'), fullPage: true });
      await page.setViewportSize({ width: 1024, height: 800 });
      assert.equal(await scrollsSideways(), false, 'the batches page scrolls sideways at 1024 px');
      await page.screenshot({ path: path.join(shots, 'nexus-batches-1024.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'nexus-send', e);
    }
  });

  test('the batch detail lists its orders and downloads the zip again after the notice', async () => {
    assert.ok(batchId, 'the send above made a batch');
    try {
      await page.getByTestId('batch-row').first().click();
      await waitForHash(page, new RegExp(`^#/nexus/batches/${batchId}$`));
      await page.getByRole('heading', { name: `Batch ${batchId}`, level: 1 }).waitFor();
      assert.equal((await page.getByTestId('batch-order-count').textContent()).trim(), '2');
      const rows = page.getByTestId('batch-order');
      assert.equal(await rows.count(), 2);
      assert.match(await rows.nth(0).textContent(), /Anna Berg/);
      assert.match(await rows.nth(1).textContent(), /Bo Lind/);
      assert.match(await rows.nth(0).getByRole('link').getAttribute('href'), /^#\/orders\//);
      assert.match(await page.getByTestId('batch-personal-data').textContent(), /personuppgifter i klartext/);
      await page.screenshot({ path: path.join(shots, 'nexus-batch-detail.png'), fullPage: true });

      await page.getByTestId('batch-download').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Ladda ner batchen igen?' }).waitFor();
      assert.match(await dialog.getByTestId('download-personal-data').textContent(), /personuppgifter i klartext/);
      const { name, bytes } = await downloadOf(() => dialog.getByRole('button', { name: 'Ladda ner', exact: true }).click());
      assert.equal(name, `id06-nexus-${batchId}.zip`);
      assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'the download is a zip');
      await page.getByTestId('download-done').waitFor();

      // From the batch to one of its orders.
      await rows.nth(0).getByRole('link').click();
      await waitForHash(page, /^#\/orders\//);
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'nexus-detail', e);
    }
  });

  test('the audit log: filter by nexus.batch_created in the address, find the line, export the CSV', async () => {
    assert.ok(batchId, 'the send above made a batch');
    try {
      await page.getByRole('link', { name: 'Händelselogg' }).click();
      await waitForHash(page, /^#\/audit$/);
      await page.getByTestId('audit-row').first().waitFor();
      // Newest first: the last thing done was opening the order.
      assert.match(await page.getByTestId('audit-row').first().textContent(), /Personuppgifter visade/);

      await page.getByLabel('Händelse', { exact: true }).selectOption('nexus.batch_created');
      await waitForHash(page, /action=nexus\.batch_created/);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-row"]').length === 1);
      const line = page.getByTestId('audit-row').first();
      assert.match(await line.textContent(), /Batch till Nexus skapad/);
      assert.equal(await line.getByRole('link', { name: batchId }).getAttribute('href'), `#/nexus/batches/${batchId}`);

      // The filter lives in the address: a reload keeps it.
      await page.reload();
      await page.getByTestId('audit-row').first().waitFor();
      assert.equal(await page.getByLabel('Händelse', { exact: true }).inputValue(), 'nexus.batch_created');
      assert.equal(await page.getByTestId('audit-row').count(), 1);
      await page.screenshot({ path: path.join(shots, 'audit-log.png'), fullPage: true });

      const { name, bytes } = await downloadOf(() => page.getByTestId('audit-export').click());
      assert.match(name, /^audit-\d{4}-\d{2}-\d{2}\.csv$/);
      // UTF-8 with a byte-order mark, so a spreadsheet reads å ä ö right.
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const csv = bytes.toString('utf8');
      const lines = csv.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
      assert.equal(lines[0], 'at,actor_kind,actor,action,subject,detail');
      assert.equal(lines.length, 2, `one line besides the header:\n${csv}`);
      assert.match(lines[1], new RegExp(`nexus\\.batch_created,${batchId}`));
      await page.getByTestId('audit-export-result').filter({ hasText: name }).waitFor();

      // A filter that matches nothing says so and clears.
      await page.getByLabel('Sök', { exact: true }).fill('no-such-thing-anywhere');
      await page.getByText('Inga händelser matchar filtren.').waitFor();
      await page.getByRole('button', { name: 'Rensa filtren' }).click();
      await waitForHash(page, /^#\/audit$/);

      await page.setViewportSize({ width: 1024, height: 800 });
      await page.getByTestId('audit-row').first().waitFor();
      assert.equal(await scrollsSideways(), false, 'the audit log scrolls sideways at 1024 px');
      await page.screenshot({ path: path.join(shots, 'audit-log-1024.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'audit-log', e);
    }
  });

  test('Settings → Nexus: the folder it saves to, and the mail fields only for the mail channel', async () => {
    try {
      await page.goto('/#/settings?tab=nexus');
      const channel = page.getByLabel('Leverera batcher till Nexus');
      await channel.waitFor();
      const folderField = page.getByLabel('Mapp för batchfiler');
      assert.equal(await folderField.inputValue(), '');
      assert.equal(await folderField.getAttribute('placeholder'), nexusFolder(), 'the empty field shows where batches go');
      assert.equal(await page.getByLabel('Mejla batcher till').count(), 0, 'no mail fields for the folder channel');
      await page.screenshot({ path: path.join(shots, 'settings-nexus.png'), fullPage: true });

      await channel.selectOption('mail');
      await page.getByLabel('Mejla batcher till').waitFor();
      assert.equal(await page.getByLabel('Största mejl (MB)').count(), 1);
      await page.screenshot({ path: path.join(shots, 'settings-nexus-mail.png'), fullPage: true });
      await channel.selectOption('folder');
      await page.getByLabel('Mejla batcher till').waitFor({ state: 'detached' });
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'settings-nexus', e);
    }
  });

  test('the invitation list exports its CSV with the list\'s filters', async () => {
    try {
      await page.goto('/#/invitations?q=anna');
      await page.getByTestId('inv-row').first().waitFor();
      const { name, bytes } = await downloadOf(() => page.getByTestId('inv-export').click());
      assert.match(name, /^invitations-\d{4}-\d{2}-\d{2}\.csv$/);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
      assert.match(lines[0], /^id,code,email,/);
      assert.equal(lines.length, 2, 'only the invitation the search finds');
      assert.match(lines[1], /anna@example\.se/);
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'invitations-export', e);
    }
  });
});
