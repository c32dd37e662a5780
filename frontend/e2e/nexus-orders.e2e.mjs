// End-to-end test of issue 12's loop to Nexus: cardholders register (set up
// through the registration API), the admin selects the ready orders and
// sends them to Nexus (the zip lands in the folder; a second send by the
// mail channel reaches the SMTP sink), records Nexus's rejection of one,
// sends it back to the cardholder, who opens the new link on a phone, sees
// why at the photo step, replaces the photo and confirms: the same order is
// ready again. Runs against the real binary and SMTP sink (backend.mjs); the
// tests build on each other in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, request as pwRequest } from 'playwright-core';
import { startBackend, loginAsAdmin } from './backend.mjs';
import { shots, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, TOKEN_RE, waitForHash, imageLoaded, keepFailure, tokenFromMail, phonePhoto } from './support.mjs';

const COMPANY = 'E2E Nexus AB';
const NEXUS_MAIL = 'orders@nexus.example.se';
const PHONE = { width: 390, height: 844 };
const ADMIN_VIEW = { width: 1280, height: 800 };

const ANNA = { email: 'anna.nexus@example.se', first: 'Anna', last: 'Berg', pnr: luhn('811218987') };
const BO = { email: 'bo.nexus@example.se', first: 'Bo', last: 'Ek', pnr: luhn('900101123') };
const CY = { email: 'cy.nexus@example.se', first: 'Cy', last: 'Lund', pnr: luhn('750505456') };

let backend;
let browser;
let admin; // { context, page }: logged in, 1280×800
let photo; // a JPEG big enough for a card
let nexusDir;
const problems = [];
const orders = {}; // email → order id

/** A personnummer (12 digits, born 19xx) with its check digit. */
function luhn(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return '19' + nine + String((10 - (sum % 10)) % 10);
}

function watch(page, who) {
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
}

/** An admin API call with the admin's cookie; fails the test on a non-2xx answer. */
async function api(method, url, data) {
  const res = await admin.page.request.fetch(url, { method, data, timeout: STEP_TIMEOUT });
  assert.ok(res.ok(), `${method} ${url}: HTTP ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** Invites one person and registers them by hand through the registration API; returns the order id. */
async function register(person) {
  const catalog = await api('GET', '/api/catalog');
  const cardType = catalog.cardTypes.find((c) => c.active !== false) ?? catalog.cardTypes[0];
  await api('POST', '/api/invitations', { rows: [{ email: person.email, cardType: cardType.code, industry: '', language: 'sv', name: '' }], send: true });
  const token = await tokenFromMail(backend.mail, person.email);
  const rq = await pwRequest.newContext({ baseURL: backend.baseURL });
  try {
    const call = async (method, url, opts) => {
      const res = await rq.fetch(`/api/register/${token}${url}`, { method, timeout: STEP_TIMEOUT, ...opts });
      assert.ok(res.ok(), `${method} ${url}: HTTP ${res.status()} ${await res.text()}`);
      return res.json();
    };
    await call('PUT', '/method', { data: { method: 'manual' } });
    await call('PUT', '/personal', {
      data: { firstName: person.first, lastName: person.last, hasPersonnummer: true, personnummer: person.pnr, phone: '0701234567' },
    });
    const s = await call('POST', '/photo', { data: photo, headers: { 'Content-Type': 'image/jpeg' } });
    const cropped = await call('PUT', '/photo/crop', { data: s.photo.crop });
    assert.ok(cropped.photo.rendered, 'the card photo is rendered');
    assert.deepEqual(cropped.photo.problems.filter((p) => p.blocking), [], 'no blocking photo problem');
    await call('PUT', '/delivery', { data: { useCompany: true } });
    const receipt = await call('POST', '/confirm');
    return receipt.orderId;
  } finally {
    await rq.dispose();
  }
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ smtp: true });
  nexusDir = path.join(backend.dataDir, 'nexus');
  fs.mkdirSync(nexusDir, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });

  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: ADMIN_VIEW });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page, 'admin');
  admin = { context, page };
  await loginAsAdmin(page);

  await api('PUT', '/api/settings', {
    values: {
      'company.name': COMPANY,
      'company.address.street': 'Storgatan 1',
      'company.address.postal_code': '111 22',
      'company.address.city': 'Stockholm',
      'company.address.country': 'SE',
      'nexus.channel': 'folder',
      'nexus.folder': nexusDir,
    },
  });
  await page.reload();
  await page.getByTestId('header-company').waitFor();
  photo = await phonePhoto(page);
});

after(async () => {
  await admin?.context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** The rows of the orders list whose text matches re. */
const rowOf = (page, name) => page.getByTestId('order-row').filter({ hasText: name });

describe('orders to Nexus and back', () => {
  test('two cardholders register; the admin filters, selects both and sends them to Nexus (folder)', async () => {
    orders[ANNA.email] = await register(ANNA);
    orders[BO.email] = await register(BO);
    const { page } = admin;
    try {
      await page.goto('/#/orders');
      await page.getByRole('heading', { name: 'Beställningar', level: 1 }).waitFor();
      await page.getByTestId('order-row').nth(1).waitFor();

      // Filters go to the address, so Back from a detail keeps them.
      await page.getByTestId('chip-ready').click();
      await waitForHash(page, /status=ready/);
      await page.getByLabel('Registrerad', { exact: true }).selectOption('web');
      await waitForHash(page, /where=web/);
      await page.getByLabel('Från och med').fill('2020-01-01');
      await page.getByLabel('Från och med').dispatchEvent('change');
      await waitForHash(page, /from=2020-01-01/);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
      // Kiosk registrations only: none match, and the way back is offered.
      await page.getByLabel('Registrerad', { exact: true }).selectOption('kiosk');
      await page.getByText('Inga beställningar matchar filtren.').waitFor();
      await page.getByLabel('Registrerad', { exact: true }).selectOption('web');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);

      await page.getByTestId('select-page').check();
      assert.match(await page.getByTestId('bulk-count').textContent(), /2 valda/);
      assert.equal(await page.getByTestId('bulk-send').isEnabled(), true);
      await page.screenshot({ path: path.join(shots, 'orders-filters.png') });

      await page.getByTestId('bulk-send').click();
      const dialog = page.getByTestId('send-dialog');
      await dialog.getByRole('heading', { name: 'Skicka 2 beställningar till Nexus?' }).waitFor();
      assert.match(await dialog.textContent(), /personuppgifter i klartext/);
      await dialog.getByRole('button', { name: 'Skicka till Nexus' }).click();

      const done = page.getByTestId('send-done');
      await done.waitFor();
      assert.match(await done.textContent(), /2 beställningar skickades till Nexus/);
      const link = page.getByTestId('send-batch-link');
      assert.equal(await link.count(), 1);
      const batchId = (await link.textContent()).replace(/^Batch /, '').trim();
      assert.match(batchId, /^NX-\d{8}-\w{6}$/);
      assert.equal(await link.getAttribute('href'), `#/nexus/batches/${batchId}`);
      assert.match(await page.getByTestId('send-batch-path').textContent(), new RegExp(nexusDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      await page.getByTestId('send-personal-data').waitFor();

      // The zip is in the folder, readable by its owner only.
      const zips = fs.readdirSync(nexusDir).filter((f) => f.endsWith('.zip'));
      assert.equal(zips.length, 1, `one zip in ${nexusDir}: ${fs.readdirSync(nexusDir)}`);
      assert.ok(zips[0].includes(batchId), `the zip is named by the batch: ${zips[0]}`);
      assert.equal(fs.statSync(path.join(nexusDir, zips[0])).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(path.join(nexusDir, zips[0])).subarray(0, 2).toString(), 'PK');

      // No ready orders left under these filters; both are sent to Nexus.
      await page.getByText('Inga beställningar matchar filtren.').waitFor();
      await page.getByTestId('chip-sent_to_nexus').click();
      await waitForHash(page, /status=sent_to_nexus/);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
      for (const p of [ANNA, BO]) {
        assert.equal(await rowOf(page, `${p.first} ${p.last}`).locator('[data-status]').getAttribute('data-status'), 'sent_to_nexus');
      }

      // The detail's timeline names the batch, with a link.
      await rowOf(page, 'Anna Berg').getByRole('link', { name: 'Anna Berg' }).click();
      await waitForHash(page, new RegExp(`^#/orders/${orders[ANNA.email]}$`));
      const ev = page.locator('[data-testid="timeline-event"][data-kind="sent_to_nexus"]');
      await ev.waitFor();
      assert.equal(await ev.getByTestId('timeline-batch').getAttribute('href'), `#/nexus/batches/${batchId}`);
      assert.equal(await page.getByTestId('order-batch-link').textContent(), batchId);
      assert.match(await page.getByTestId('detail-proof').textContent(), /Manuell \+ Sistec/);
    } catch (e) {
      await keepFailure(page, 'nexus-send', e);
    }
  });

  test('a third order: corrected by the admin, then sent by the mail channel to the SMTP sink', async () => {
    orders[CY.email] = await register(CY);
    await api('PUT', '/api/settings', { values: { 'nexus.channel': 'mail', 'nexus.mail_to': NEXUS_MAIL } });
    const { page } = admin;
    try {
      await page.goto(`/#/orders/${orders[CY.email]}`);
      await page.getByRole('heading', { name: 'Cy Lund', level: 1 }).waitFor();

      // Edit: a bad phone number is refused at the field; a cost centre is kept.
      await page.getByTestId('action-edit').click();
      const form = page.getByTestId('order-edit');
      await form.getByLabel('Mobilnummer').fill('12');
      await form.getByLabel('Kostnadsställe').fill('4711');
      await page.getByTestId('edit-save').click();
      await page.getByTestId('edit-error-phone').waitFor();
      assert.equal(await form.getByLabel('Mobilnummer').getAttribute('aria-invalid'), 'true');
      await form.getByLabel('Mobilnummer').fill('070-765 43 21');
      await page.getByTestId('edit-save').click();
      await page.getByTestId('edit-done').waitFor();
      assert.equal(await page.getByTestId('order-cost-centre').textContent(), '4711');
      const edited = page.locator('[data-testid="timeline-event"][data-kind="edited"]');
      assert.match(await edited.textContent(), /Rättad av administratören \(mobilnummer, kostnadsställe\)/);

      await page.getByTestId('action-send').click();
      await page.getByTestId('send-dialog').getByRole('button', { name: 'Skicka till Nexus' }).click();
      const done = page.getByTestId('send-done');
      await done.waitFor();
      assert.match(await done.textContent(), new RegExp(`mejlad till ${NEXUS_MAIL.replace(/\./g, '\\.')}`));
      await page.locator('[data-testid="timeline-event"][data-kind="sent_to_nexus"]').waitFor();

      const unfold = (m) => m.replace(/=\r?\n/g, '');
      const deadline = Date.now() + 20_000;
      let mail;
      while (!mail && Date.now() < deadline) {
        mail = backend.mail.messages().map(unfold).find((m) => new RegExp(`^To: .*${NEXUS_MAIL.replace(/\./g, '\\.')}`, 'mi').test(m));
        if (!mail) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(mail, 'the batch mail reached the SMTP sink');
      assert.match(mail, /\.zip/, 'with the zip attached');
    } catch (e) {
      await keepFailure(page, 'nexus-mail', e);
    }
  });

  test('Nexus rejects one: recorded with a reason; a move some orders cannot make names them and changes nothing', async () => {
    const { page } = admin;
    try {
      await page.goto('/#/orders?status=sent_to_nexus');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 3);
      await rowOf(page, 'Anna Berg').getByTestId('select-row').check();
      await page.getByTestId('bulk-record').click();
      const dialog = page.getByTestId('record-dialog');
      await dialog.getByTestId('record-status-rejected_by_nexus').check();
      // No reason: the server's field error at the field.
      await dialog.getByRole('button', { name: 'Registrera' }).click();
      await page.getByTestId('record-reason-error').waitFor();
      await dialog.getByTestId('record-reason').fill('Fotot är för mörkt');
      await dialog.getByRole('button', { name: 'Registrera' }).click();
      await page.getByTestId('action-done').waitFor();
      assert.match(await page.getByTestId('action-done').textContent(), /1 beställning är nu: Nekad av Nexus/);

      // Anna (rejected) and Bo (sent) cannot both become delivered: nothing moves, Anna is named.
      await page.goto('/#/orders');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 3);
      await rowOf(page, 'Anna Berg').getByTestId('select-row').check();
      await rowOf(page, 'Bo Ek').getByTestId('select-row').check();
      assert.equal(await page.getByTestId('bulk-send').isDisabled(), true, 'only ready orders can be sent');
      await page.getByTestId('bulk-record').click();
      await dialog.getByTestId('record-status-delivered').check();
      await dialog.getByTestId('record-date').waitFor();
      await dialog.getByRole('button', { name: 'Registrera' }).click();
      const err = page.getByTestId('record-error');
      await err.waitFor();
      assert.match(await err.textContent(), /Inget ändrades: Anna Berg/);
      await dialog.getByRole('button', { name: 'Avbryt' }).click();
      const bo = await api('GET', `/api/orders/${orders[BO.email]}`);
      assert.equal(bo.status, 'sent_to_nexus', 'all or nothing');
    } catch (e) {
      await keepFailure(page, 'nexus-record', e);
    }
  });

  test('the admin sends the rejected order back to the cardholder (photo not accepted)', async () => {
    const { page } = admin;
    try {
      await page.goto(`/#/orders/${orders[ANNA.email]}`);
      await page.getByRole('heading', { name: 'Anna Berg', level: 1 }).waitFor();
      const nexusNo = page.locator('[data-testid="timeline-event"][data-kind="rejected_by_nexus"]');
      assert.match(await nexusNo.textContent(), /Fotot är för mörkt/);

      await page.getByTestId('action-reject').click();
      const dialog = page.getByTestId('reject-dialog');
      await dialog.getByRole('heading', { name: 'Skicka tillbaka till Anna Berg?' }).waitFor();
      await dialog.getByLabel('Skäl').selectOption('photo_not_accepted');
      await dialog.getByLabel('Meddelande till kortinnehavaren').fill('Ta ett nytt foto mot en vit vägg, utan glasögon.');
      await page.screenshot({ path: path.join(shots, 'order-reject-dialog.png') });
      await dialog.getByRole('button', { name: 'Skicka tillbaka' }).click();
      await page.getByTestId('reject-done').waitFor();
      await page.locator('.page-head [data-status="reopened"]').waitFor();
      const back = page.locator('[data-testid="timeline-event"][data-kind="rejected_to_cardholder"]');
      assert.match(await back.textContent(), /Fotot godtogs inte/);
      assert.match(await back.textContent(), /utan glasögon/);
      assert.match(await page.getByTestId('order-reopened').textContent(), /Tillbaka hos kortinnehavaren: Fotot godtogs inte/);
      await page.screenshot({ path: path.join(shots, 'order-detail-timeline.png'), fullPage: true });
    } catch (e) {
      await keepFailure(page, 'nexus-reject', e);
    }
  });

  test('the cardholder opens the new link on a phone, sees why at the photo step, replaces the photo: ready again', async () => {
    // The reject mail: to Anna, with a link that is not the invitation's.
    const first = await tokenFromMail(backend.mail, ANNA.email);
    const deadline = Date.now() + 15_000;
    let token;
    while (!token && Date.now() < deadline) {
      const links = backend.mail
        .messages()
        .map((m) => m.replace(/=\r?\n/g, ''))
        .filter((m) => new RegExp(`^To: .*${ANNA.email.replace(/\./g, '\\.')}`, 'mi').test(m))
        .map((m) => TOKEN_RE.exec(m)?.[1])
        .filter((t) => t && t !== first);
      token = links.at(-1);
      if (!token) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(token, 'the cardholder got a mail with a new link');

    const context = await browser.newContext({ baseURL: backend.baseURL, viewport: PHONE, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    watch(page, 'cardholder');
    try {
      await page.goto(`/#/register/${token}`);
      await waitForHash(page, /step=photo/);
      await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();
      const banner = page.getByTestId('reopen-banner');
      await banner.waitFor();
      assert.match(await page.getByTestId('reopen-reason').textContent(), /Ditt foto godtogs inte/);
      assert.match(await page.getByTestId('reopen-note').textContent(), /utan glasögon/);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `no horizontal scroll on the phone: ${widths.scroll} > ${widths.client}`);
      // The refused photo is not offered for cropping again: choosing a new one comes first.
      await page.getByTestId('photo-choose').waitFor();
      assert.equal(await page.getByTestId('crop-frame').count(), 0);
      await page.screenshot({ path: path.join(shots, 'register-reopened.png'), fullPage: true });

      await page.getByTestId('photo-input').setInputFiles({ name: 'new.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto(page) });
      await page.getByTestId('crop-frame').waitFor();
      await page.getByRole('button', { name: 'Använd den här beskärningen' }).click();
      await imageLoaded(page, 'final-photo');
      await page.waitForFunction(() => document.querySelector('[data-testid="photo-check"]') && !document.querySelector('[data-testid="photo-check"] li.blocking'));
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=(delivery|review)/);
      if (/step=delivery/.test(page.url())) {
        await page.getByRole('button', { name: 'Nästa' }).click();
        await waitForHash(page, /step=review/);
      }
      await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
      await page.getByTestId('confirm').click();
      await page.getByTestId('register-done').waitFor();
    } catch (e) {
      await keepFailure(page, 'nexus-reopened', e);
    } finally {
      await context.close();
    }

    // The same order is ready again, in the list and on its timeline.
    const { page: a } = admin;
    try {
      await a.goto('/#/orders?status=ready');
      await a.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 1);
      assert.match(await a.getByTestId('order-row').textContent(), /Anna Berg/);
      await a.getByRole('link', { name: 'Anna Berg' }).click();
      await waitForHash(a, new RegExp(`^#/orders/${orders[ANNA.email]}$`));
      const again = a.locator('[data-testid="timeline-event"][data-kind="ready_again"]');
      await again.waitFor();
      assert.match(await again.textContent(), /Ändrat: .*foto/);
      assert.equal(await a.locator('.page-head [data-status]').getAttribute('data-status'), 'ready');
      assert.equal(await a.getByTestId('action-send').count(), 1, 'it can be sent again');
    } catch (e) {
      await keepFailure(a, 'nexus-ready-again', e);
    }
  });

  test('CSV export of the filtered list; personnummer only when ticked, with a warning', async () => {
    const { page } = admin;
    try {
      await page.goto('/#/orders?status=sent_to_nexus');
      await page.getByTestId('order-row').first().waitFor();
      await page.getByTestId('orders-export').click();
      const dialog = page.getByTestId('export-dialog');
      await dialog.waitFor();
      assert.equal(await page.getByTestId('export-pnr-warning').count(), 0);
      let [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Ladda ner CSV' }).click()]);
      let csv = fs.readFileSync(await download.path(), 'utf8');
      const header = csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
      assert.doesNotMatch(header, /personnummer/);
      assert.equal(csv.trim().split(/\r?\n/).length, 3, 'a header and the two orders still sent to Nexus');

      await page.getByTestId('orders-export').click();
      await page.getByTestId('export-pnr').check();
      await page.getByTestId('export-pnr-warning').waitFor();
      [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Ladda ner CSV' }).click()]);
      csv = fs.readFileSync(await download.path(), 'utf8');
      assert.match(csv.split(/\r?\n/)[0], /personnummer/);
      assert.match(csv, new RegExp(BO.pnr));
    } catch (e) {
      await keepFailure(page, 'nexus-export', e);
    }
    assert.deepEqual(problems, []);
  });
});
