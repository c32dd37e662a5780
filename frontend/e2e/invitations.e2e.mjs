// End-to-end tests of issue 3's admin screens: settings, new invitation,
// list, detail (timeline, QR) and revoke. Runs against the real binary
// (see backend.mjs); the tests in this file build on each other in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startBackend, loginAsAdmin } from './backend.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;

const ANNA = 'anna.andersson@example.se';
const BO = 'bo.berg@example.se';
const BAD = 'inte-en-adress';

let backend;
let browser;
let context;
let page;
const problems = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ smtp: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ baseURL: backend.baseURL, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  await loginAsAdmin(page);
});

after(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await backend?.stop();
});

async function api(method, url, data) {
  const res = await page.request.fetch(url, { method, data, timeout: STEP_TIMEOUT });
  assert.ok(res.ok(), `${method} ${url}: HTTP ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

async function waitForHash(re) {
  await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source, { timeout: STEP_TIMEOUT });
}

describe('settings', () => {
  test('one bad field shows its error and nothing is saved; then it saves', async () => {
    const before = (await api('GET', '/api/settings')).values;

    await page.goto('/#/settings');
    await page.getByRole('heading', { name: 'Inställningar', level: 1 }).waitFor();
    const name = page.getByLabel('Företagsnamn');
    await name.fill('E2E Bygg AB');
    // Wrong check digit (Luhn).
    await page.getByLabel('Organisationsnummer').fill('556812-6234');
    await page.getByRole('button', { name: 'Spara', exact: true }).click();

    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /Organisationsnummer/);
    const fieldError = page.getByTestId('field-error-company.org_number');
    // The server's message, in Swedish like the rest of the page (it was
    // "the organisation number's check digit is wrong").
    assert.match(await fieldError.textContent(), /Kontrollsiffran/);
    assert.doesNotMatch(await summary.textContent(), /check digit|is wrong/);
    assert.equal(await page.getByLabel('Organisationsnummer').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('field-error-company.name').textContent(), '');
    await page.screenshot({ path: path.join(shots, 'settings-error.png'), fullPage: true });

    // All or nothing: the good field was not saved either.
    const afterBad = (await api('GET', '/api/settings')).values;
    assert.equal(afterBad['company.name'], before['company.name']);
    assert.equal(afterBad['company.org_number'], before['company.org_number']);

    await page.getByLabel('Organisationsnummer').fill('556036-0793');
    await page.getByRole('button', { name: 'Spara', exact: true }).click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(await summary.count(), 0);
    const saved = (await api('GET', '/api/settings')).values;
    assert.equal(saved['company.name'], 'E2E Bygg AB');
    assert.match(saved['company.org_number'], /556036-?0793/);
    // The header shows the company name.
    assert.equal((await page.getByTestId('header-company').textContent()).trim(), 'E2E Bygg AB');

    // The mail password is never shown back.
    await page.getByRole('link', { name: 'E-post' }).first().click();
    await waitForHash(/tab=email/);
    const pw = page.getByLabel('Lösenord', { exact: true });
    assert.equal(await pw.inputValue(), '');
  });
});

describe('catalogs', () => {
  test('add an industry, save, and it is offered in the catalog after a reload', async () => {
    await page.goto('/#/settings?tab=catalogs');
    await page.getByRole('heading', { name: 'Branscher', level: 2 }).waitFor();
    const before = (await api('GET', '/api/catalog')).industries.length;
    await page.getByRole('button', { name: 'Lägg till bransch' }).click();
    const row = before + 1;
    await page.locator(`#cat-industries-${before}-code`).fill('tunnel');
    await page.locator(`#cat-industries-${before}-nameSv`).fill('Tunnelbygge');
    await page.locator(`#cat-industries-${before}-nameEn`).fill('Tunnelling');
    await page.getByRole('button', { name: 'Spara', exact: true }).click();
    await page.getByText('Katalogerna är sparade.').waitFor();
    const cat = await api('GET', '/api/catalog');
    assert.equal(cat.industries.length, row);
    assert.ok(cat.industries.some((i) => i.code === 'tunnel' && i.nameSv === 'Tunnelbygge'));
    await page.reload();
    await page.locator(`#cat-industries-${before}-code`).waitFor();
    assert.equal(await page.locator(`#cat-industries-${before}-code`).inputValue(), 'tunnel');
    assert.equal(await page.locator(`#cat-industries-${before}-code`).getAttribute('readonly'), '', 'a saved code is read-only');
  });
});

describe('invitations', () => {
  let annaId;

  test('three addresses, one invalid: its row error, remove it, send, the list shows two', async () => {
    await page.goto('/#/invitations');
    await page.getByRole('heading', { name: 'Inbjudningar', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Ny inbjudan' }).first().click();
    await waitForHash(/^#\/invitations\/new$/);

    // The CSV hint lists the codes the file may use (from the catalog).
    const hint = page.getByTestId('csv-hint');
    await hint.getByText('id06-rfid', { exact: true }).waitFor();
    const hintText = await hint.textContent();
    for (const code of ['id06-rfid', 'visitor', 'construction', 'civil']) assert.ok(hintText.includes(code), `CSV hint lacks ${code}: ${hintText}`);
    assert.match(hintText, /Besökskort utan RFID/);

    // One by email + Enter, two by pasting.
    const email = page.getByLabel('E-postadress');
    await email.fill(ANNA);
    await email.press('Enter');
    await page.getByLabel('Klistra in många adresser').fill(`${BAD}\n${BO}`);
    await page.getByRole('button', { name: 'Lägg till adresserna' }).click();

    const rows = page.getByTestId('new-row');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="new-row"]').length === 3);
    // The server's validation marks row 2 only.
    const rowError = rows.nth(1).getByTestId('row-error');
    await rowError.waitFor();
    assert.notEqual((await rowError.textContent()).trim(), '');
    assert.equal(await rows.nth(0).getByTestId('row-error').count(), 0);
    assert.equal(await rows.nth(2).getByTestId('row-error').count(), 0);
    const send = page.getByRole('button', { name: 'Skicka inbjudningar' });
    assert.equal(await send.isDisabled(), true, 'Send is disabled while a row has errors');
    await page.screenshot({ path: path.join(shots, 'new-invitation-error.png'), fullPage: true });

    await page.getByRole('button', { name: `Ta bort rad 2 (${BAD})` }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="new-row"]').length === 2);
    await page.getByText('Alla rader ser bra ut.').waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Skicka inbjudningar' && !b.disabled),
    );
    await send.click();

    const outcome = page.getByTestId('send-outcome');
    await outcome.waitFor();
    assert.match(await outcome.textContent(), /2 inbjudningar har lagts i kö/);
    assert.equal(await page.getByTestId('new-row').count(), 0, 'sent rows leave the form');

    // The outbox delivers both mails to the SMTP sink: one per address, each
    // with its registration link and the inline QR image.
    const mails = (await backend.mail.waitFor(2)).map((m) => m.replace(/=\r?\n/g, ''));
    assert.equal(mails.length, 2);
    for (const addr of [ANNA, BO]) {
      const m = mails.find((x) => new RegExp(`^To: .*${addr.replace(/\./g, '\\.')}`, 'mi').test(x));
      assert.ok(m, `a mail to ${addr}`);
      assert.match(m, /\/#\/register\/v1\./);
      assert.match(m, /Content-ID: <[^>]+>/i);
    }

    await outcome.getByRole('link', { name: 'Till listan med inbjudningar' }).click();
    await waitForHash(/^#\/invitations$/);
    await page.getByTestId('inv-range').waitFor();
    const listed = await page.getByTestId('inv-row').allTextContents();
    assert.equal(listed.length, 2);
    assert.ok(listed.some((t) => t.includes(ANNA)));
    assert.ok(listed.some((t) => t.includes(BO)));
    assert.match(await page.getByTestId('inv-range').textContent(), /1–2 av 2/);
    // Both were handed to the mail server.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="inv-row"] [data-status="sent"]').length === 2);
    await page.screenshot({ path: path.join(shots, 'invitations-list.png'), fullPage: true });

    // Search narrows the list (debounced, server-side).
    await page.getByLabel('Sök').fill('anna');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="inv-row"]').length === 1);
    await waitForHash(/q=anna/);

    const list = await api('GET', '/api/invitations?q=anna');
    annaId = list.items[0].id;
    assert.equal(list.items[0].email, ANNA);
  });

  test('detail shows the timeline and the QR image loads', async () => {
    assert.ok(annaId, 'needs the invitation from the previous test');
    await page.getByRole('link', { name: ANNA }).click();
    await waitForHash(new RegExp(`^#/invitations/${annaId}$`));
    await page.getByRole('heading', { name: ANNA, level: 1 }).waitFor();

    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    assert.ok((await timeline.locator('li').count()) >= 1);
    assert.match(await timeline.textContent(), /Skapad/);

    const code = (await page.getByTestId('detail-code').textContent()).trim();
    assert.match(code, /^[2-9A-HJ-NP-Z]{4,5}-[2-9A-HJ-NP-Z]{4,5}$/);

    const qr = page.getByTestId('qr');
    await qr.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="qr"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.ok(await page.getByLabel('Registreringslänk').inputValue());
    await page.screenshot({ path: path.join(shots, 'invitation-detail.png'), fullPage: true });
  });

  test('extend: 400 days names the 1–365 limit; 10 days adds to the current expiry', async () => {
    const before = await api('GET', `/api/invitations/${annaId}`);
    const days = page.getByLabel('Förläng med antal dagar');
    await days.fill('400');
    await page.getByRole('button', { name: 'Förläng', exact: true }).click();
    assert.equal((await page.getByTestId('extend-error').textContent()).trim(), 'Ange ett helt antal dagar, från 1 till 365.');
    assert.equal((await api('GET', `/api/invitations/${annaId}`)).expiresAt, before.expiresAt, '400 days changed the expiry');

    const shown = await page.getByTestId('detail-expires').textContent();
    await days.fill('10');
    await page.getByRole('button', { name: 'Förläng', exact: true }).click();
    await page.waitForFunction((old) => {
      const el = document.querySelector('[data-testid="detail-expires"]');
      return el && el.textContent !== old;
    }, shown);
    assert.equal((await page.getByTestId('extend-error').textContent()).trim(), '');
    const after = await api('GET', `/api/invitations/${annaId}`);
    assert.equal(Date.parse(after.expiresAt) - Date.parse(before.expiresAt), 10 * 86_400_000, 'not 10 days after the current expiry');
  });

  test('revoke after confirming: status revoked', async () => {
    await page.getByRole('button', { name: 'Återkalla' }).click();
    const dialog = page.getByRole('dialog', { name: 'Återkalla inbjudan?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Återkalla' }).click();
    await page.locator('[data-testid="detail-status"] [data-status="revoked"]').waitFor();
    assert.match(await page.getByTestId('timeline').textContent(), /Återkallad/);
    assert.equal(await page.getByRole('button', { name: 'Återkalla' }).count(), 0, 'no revoke once revoked');

    const inv = await api('GET', `/api/invitations/${annaId}`);
    assert.equal(inv.status, 'revoked');

    await page.getByRole('link', { name: 'Inbjudningar' }).first().click();
    await page.getByRole('button', { name: /^Återkallad/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="inv-row"]').length === 1);
    assert.match(await page.getByTestId('inv-row').textContent(), new RegExp(ANNA.replace('.', '\\.')));
    assert.deepEqual(problems, []);
  });
});
