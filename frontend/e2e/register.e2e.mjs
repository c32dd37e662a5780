// End-to-end tests of issue 4: a cardholder registers by hand from the mail
// link (personal data, photo, delivery, review, confirm), and the admin finds
// the order and records the identity check. Runs against the real binary and
// the real SMTP sink (see backend.mjs); the first tests build on each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBackend, loginAsAdmin } from './backend.mjs';
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, TOKEN_RE, waitForHash, imageLoaded, keepFailure, tokenFromMail, phonePhoto } from './support.mjs';

// pigo's passport-style sample, copied by `make pigo-assets` (part of `make build`).

const COMPANY = 'E2E Bygg AB';
const ANNA = 'anna.berg@example.se';
const PHONE = { width: 390, height: 844 };

let backend;
let browser;
let admin; // { context, page }: logged in
const problems = [];

function watch(page, who) {
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
  // Nothing may come from anywhere but the app itself (fonts, scripts, images).
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(backend.baseURL) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`${who} external request: ${url}`);
  });
}

before(async () => {
  if (!fs.existsSync(FACE_PHOTO)) {
    throw new Error(
      `The face photo for the upload is missing: ${FACE_PHOTO}\n` +
        'It is pigo\'s testdata/sample.jpg, copied there by "make pigo-assets" (run by "make build").',
    );
  }
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ smtp: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });

  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: { width: 1280, height: 900 } });
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
    },
  });
  // The header and the partner name are read when the console starts.
  await page.reload();
  await page.getByTestId('header-company').waitFor();
});

after(async () => {
  await admin?.context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** An admin API call with the admin's cookie; fails the test on a non-2xx answer. */
async function api(method, url, data) {
  const res = await admin.page.request.fetch(url, { method, data, timeout: STEP_TIMEOUT });
  assert.ok(res.ok(), `${method} ${url}: HTTP ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** Creates and sends one invitation; returns {id, link}. */
async function invite(email, language) {
  const catalog = await api('GET', '/api/catalog');
  const cardType = catalog.cardTypes.find((c) => c.active !== false) ?? catalog.cardTypes[0];
  assert.ok(cardType, 'the catalog has a card type');
  const res = await api('POST', '/api/invitations', {
    rows: [{ email, cardType: cardType.code, industry: '', language, name: '' }],
    send: true,
  });
  assert.equal(res.created.length, 1);
  return res.created[0];
}


function tokenOf(link) {
  const m = TOKEN_RE.exec(link);
  assert.ok(m, `a registration token in ${link}`);
  return m[1];
}

/** A fresh browser (no cookies, no stored language), as a cardholder at home. */
async function cardholder(viewport = PHONE) {
  const context = await browser.newContext({ baseURL: backend.baseURL, viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page, 'cardholder');
  return { context, page };
}

/** Keeps a screenshot of the page a test failed on (e2e/screenshots/failed-*.png). */
/** Opens the link and chooses to register by hand; ends on the personal step. */
async function startManual(page, token) {
  await page.goto(`/#/register/${token}`);
  await page.getByRole('button', { name: 'Registrera manuellt' }).click();
  await waitForHash(page, /step=personal/);
  await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
}

describe('cardholder registration', () => {
  let token;
  let orderId;

  test('manual registration from the mail link: personal data, photo, delivery, review, confirm', async () => {
    await invite(ANNA, 'sv');
    token = await tokenFromMail(backend.mail, ANNA);
    const { context, page } = await cardholder();
    try {
      await page.goto(`/#/register/${token}`);

      // The invitation and BankID's honest state.
      const summary = page.getByTestId('invitation-summary');
      await summary.waitFor();
      assert.match(await summary.textContent(), new RegExp(COMPANY));
      assert.match(await summary.textContent(), new RegExp(ANNA.replace('.', '\\.')));
      const bankid = page.getByRole('button', { name: 'Med svenskt BankID' });
      assert.equal(await bankid.isDisabled(), true, 'BankID is not offered when it is not available');
      assert.match(await page.getByTestId('bankid-state').textContent(), /BankID går inte att använda här just nu/);
      await page.getByRole('button', { name: 'Registrera manuellt' }).click();
      await waitForHash(page, /step=personal/);

      // Personal data, first with a wrong check digit: the server's field error.
      await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
      assert.match(await page.getByTestId('step-status').textContent(), /Steg 1 av 4: Uppgifter/);
      assert.equal((await page.getByTestId('invited-email').textContent()).trim(), ANNA);
      await page.getByLabel('Förnamn', { exact: true }).fill('Anna');
      await page.getByLabel('Efternamn', { exact: true }).fill('Berg');
      assert.equal(await page.getByLabel('Jag har ett svenskt personnummer eller samordningsnummer').isChecked(), true);
      const pnr = page.getByLabel('Personnummer eller samordningsnummer', { exact: true });
      await pnr.fill('19811218-9875');
      await page.getByLabel('Mobilnummer', { exact: true }).fill('070-123 45 67');
      await page.getByRole('button', { name: 'Nästa' }).click();

      const fieldError = page.getByTestId('field-error-personnummer');
      await page.waitForFunction(() => document.querySelector('[data-testid="field-error-personnummer"]')?.textContent?.trim());
      assert.match(await fieldError.textContent(), /kontrollsiffran/);
      assert.equal(await pnr.getAttribute('aria-invalid'), 'true');
      assert.match(await pnr.getAttribute('aria-describedby'), /reg-personnummer-err/);
      assert.equal((await page.getByTestId('field-error-phone').textContent()).trim(), '', 'the phone is fine');
      const errorSummary = page.getByTestId('error-summary');
      await errorSummary.waitFor();
      assert.match(await errorSummary.textContent(), /Personnummer eller samordningsnummer/);
      await errorSummary.getByRole('link').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'reg-personnummer', 'the summary link focuses the field');
      assert.match(page.url(), /step=personal/, 'still on the personal step');
      await page.screenshot({ path: path.join(shots, 'register-personal.png'), fullPage: true });

      await pnr.fill('19811218-9876');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=photo/);
      await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();

      // The bare 320×400 sample is too small for a card: a clear message, whether
      // the server refuses it at upload or at the crop.
      await page.getByTestId('photo-input').setInputFiles(FACE_PHOTO);
      await page.waitForFunction(() => document.querySelector('[data-testid="step-error"]') || document.querySelector('[data-testid="crop-frame"]'));
      if ((await page.getByTestId('step-error').count()) === 0) {
        await page.getByTestId('use-crop').click();
        await page.getByTestId('step-error').waitFor();
      }
      assert.match(await page.getByTestId('step-error').textContent(), /för litet|för liten/);

      // A photo as a phone takes it.
      await page.getByTestId('photo-input').setInputFiles({ name: 'anna.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto(page) });
      const frame = page.getByTestId('crop-frame');
      await frame.waitFor();
      await imageLoaded(page, 'crop-source');
      assert.equal(await page.getByTestId('step-error').count(), 0, 'the new photo clears the old error');

      // The frame moves with the keyboard, and Reset brings back the suggestion.
      const left = () => frame.evaluate((el) => parseFloat(el.style.left));
      const start = await left();
      await frame.focus();
      await page.keyboard.press('ArrowRight');
      assert.ok((await left()) > start, 'ArrowRight moves the frame right');
      await page.keyboard.press('+');
      await page.getByRole('button', { name: 'Återställ förslaget' }).click();
      assert.equal(await left(), start);
      await page.screenshot({ path: path.join(shots, 'register-photo.png'), fullPage: true });

      // "Mindre" twelve times cuts off hair and chin: that blocks, and Next says why.
      for (let i = 0; i < 12; i++) await page.getByRole('button', { name: 'Mindre', exact: true }).click();
      await page.getByRole('button', { name: 'Använd den här beskärningen' }).click();
      await imageLoaded(page, 'final-photo');
      const cut = page.locator('[data-testid="photo-check"] li.blocking[data-problem="head_cut"]');
      await cut.waitFor();
      assert.match(await cut.textContent(), /skär av en del av huvudet/);
      assert.equal(await page.getByRole('button', { name: 'Nästa' }).isDisabled(), true, 'Next is disabled with the head cut off');
      assert.match(await page.getByTestId('photo-blocked').textContent(), /Du kan inte gå vidare än: Ramen skär av/);
      await page.getByRole('button', { name: 'Justera beskärningen' }).click();
      // (Reset goes back to the last saved frame, this one: make it larger again.)
      for (let i = 0; i < 12; i++) await page.getByRole('button', { name: 'Större', exact: true }).click();

      await page.getByRole('button', { name: 'Använd den här beskärningen' }).click();
      await imageLoaded(page, 'final-photo');
      const check = page.getByTestId('photo-check');
      await check.waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid="photo-check"] li.blocking'));
      assert.equal(await check.locator('li.blocking').count(), 0, `no blocking problem: ${await check.textContent()}`);
      await page.screenshot({ path: path.join(shots, 'register-photo-checked.png'), fullPage: true });
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=delivery/);

      // Delivery to the company's address (the default).
      await page.getByRole('heading', { name: 'Leverans', level: 1 }).waitFor();
      assert.match(await page.getByTestId('company-address').textContent(), /Storgatan 1/);
      assert.equal(await page.getByRole('radio', { name: /Företagets adress/ }).isChecked(), true);
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=review/);

      // Review: everything on one page.
      await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
      const personal = await page.getByTestId('review-personal').textContent();
      assert.match(personal, /Anna Berg/);
      assert.match(personal, /19811218-9876/);
      await imageLoaded(page, 'review-photo');
      assert.match(await page.getByTestId('register').textContent(), /Storgatan 1/);
      assert.equal(await page.getByRole('link', { name: 'Ändra personuppgifter' }).count(), 1);
      await page.screenshot({ path: path.join(shots, 'register-review.png'), fullPage: true });

      // The browser's Back returns to the previous step, and forward again.
      await page.goBack();
      await waitForHash(page, /step=delivery/);
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=review/);

      await page.getByTestId('confirm').click();
      const done = page.getByTestId('register-done');
      await done.waitFor();
      assert.match(await done.textContent(), /Sistec/);
      assert.match(await page.getByTestId('partner-link').getAttribute('href'), /sistec\.se/);
      assert.match(await done.textContent(), new RegExp(ANNA.replace('.', '\\.')));
      await page.screenshot({ path: path.join(shots, 'register-done.png'), fullPage: true });

      // The admin's "ready to be sent to Nexus" mail (to smtp.from, as no
      // notify address is set) and the cardholder's receipt arrive.
      const unfold = (m) => m.replace(/=\r?\n/g, '');
      const deadline = Date.now() + 15_000;
      let ready, receipt;
      while (!(ready && receipt) && Date.now() < deadline) {
        const all = backend.mail.messages().map(unfold);
        ready = all.find((m) => /^To: .*e2e-sender@example\.se/mi.test(m) && /#\/orders\/[0-9a-f-]{36}/.test(m));
        receipt = all.find((m) => new RegExp(`^To: .*${ANNA.replace(/[.]/g, '\\.')}`, 'mi').test(m) && /sistec\.se/.test(m));
        if (!(ready && receipt)) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, 'the admin got the order-ready mail');
      assert.ok(receipt, 'the cardholder got the receipt with the booking link');
      assert.doesNotMatch(ready, /198112189876|\+46701234567/, 'no personnummer or phone in the admin mail');

      // The link is used up: opening it again says so, with the date.
      await page.reload();
      const err = page.getByTestId('register-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-code'), 'already_registered');
      assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /^Redan registrerad den \d{1,2} \p{L}+ \d{4}$/u);
    } catch (e) {
      await keepFailure(page, 'register', e);
    } finally {
      await context.close();
    }

    const list = await api('GET', '/api/orders');
    assert.equal(list.total, 1);
    orderId = list.items[0].id;
    assert.equal(list.items[0].firstName, 'Anna');
    assert.equal(list.items[0].identityCheck, 'pending_partner');
  });

  test('the admin sees the order with its thumbnail and marks the identity check done', async () => {
    assert.ok(orderId, 'needs the order from the previous test');
    const { page } = admin;
    await page.goto('/#/orders');
    await page.getByRole('heading', { name: 'Beställningar', level: 1 }).waitFor();
    const row = page.getByTestId('order-row');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    assert.match(await row.textContent(), /Anna Berg/);
    assert.match(await row.textContent(), /Identitetskontroll väntar hos Sistec/);
    assert.match(await row.textContent(), /Webb/);
    await imageLoaded(page, 'order-thumb');
    assert.match(await page.getByRole('button', { name: /^Klar att beställa/ }).textContent(), /1/);
    await page.screenshot({ path: path.join(shots, 'orders-list.png'), fullPage: true });

    await page.getByRole('link', { name: 'Anna Berg' }).click();
    await waitForHash(page, new RegExp(`^#/orders/${orderId}$`));
    await page.getByRole('heading', { name: 'Anna Berg', level: 1 }).waitFor();
    await imageLoaded(page, 'order-photo');
    assert.match(await page.getByTestId('order-pnr').textContent(), /19811218-9876/);
    assert.match(await page.getByTestId('order-address').textContent(), /Storgatan 1/);

    await page.getByRole('button', { name: 'Markera identitetskontrollen som klar' }).click();
    const dialog = page.getByRole('dialog', { name: 'Markera identitetskontrollen som klar?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Markera identitetskontrollen som klar' }).click();
    await page.getByTestId('identity-done').waitFor();
    await page.locator('[data-testid="detail-identity"] [data-identity="done"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Markera identitetskontrollen som klar' }).count(), 0);
    await page.screenshot({ path: path.join(shots, 'order-detail.png'), fullPage: true });

    const order = await api('GET', `/api/orders/${orderId}`);
    assert.equal(order.identityCheck, 'done');
    assert.ok(order.identityCheckedAt, 'the time of the check is recorded');
  });
});

describe('links that cannot be used', () => {
  test('the invitation language is the default until the person switches; a revoked link says so', async () => {
    const created = await invite('bo.revoked@example.se', 'en');
    const token = tokenOf(created.link);
    const { context, page } = await cardholder();
    try {
      await page.goto(`/#/register/${token}`);
      await page.getByRole('heading', { name: 'How do you want to register?', level: 1 }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      await page.getByRole('button', { name: 'Svenska' }).click();
      await page.getByRole('heading', { name: 'Hur vill du registrera dig?', level: 1 }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Hur vill du registrera dig?', level: 1 }).waitFor();

      await api('POST', `/api/invitations/${created.id}/revoke`);
      await page.reload();
      const err = page.getByTestId('register-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-code'), 'invitation_revoked');
      assert.match(await err.textContent(), /återkallats av E2E Bygg AB/);
      assert.equal(await page.getByRole('button', { name: 'Försök igen' }).count(), 0, 'nothing to retry');
    } finally {
      await context.close();
    }
  });

  test('an altered link is refused with a way to type the code instead', async () => {
    const created = await invite('cy.altered@example.se', 'sv');
    const token = tokenOf(created.link);
    const last = token.at(-1);
    const altered = token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const { context, page } = await cardholder();
    try {
      await page.goto(`/#/register/${altered}`);
      const err = page.getByTestId('register-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-code'), 'invalid_link');
      assert.match(await err.textContent(), /Länken fungerar inte/);
      assert.equal(await page.getByRole('link', { name: 'Skriv in koden i stället' }).count(), 1);
    } finally {
      await context.close();
    }
  });
});

describe('small screens', () => {
  test('the personal step fits a 360 px wide phone, with 44 px touch targets', async () => {
    const created = await invite('dag.phone@example.se', 'sv');
    const { context, page } = await cardholder({ width: 360, height: 740 });
    try {
      await startManual(page, tokenOf(created.link));
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `no horizontal scroll at 360 px: ${widths.scroll} > ${widths.client}`);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('.reg-panel button, .reg-panel input:not([type=file]):not([type=checkbox]), .reg-panel select, .reg-panel label[for=reg-has-pnr], nav a')]
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => ({ what: el.id || el.textContent.trim(), h: el.getBoundingClientRect().height, w: el.getBoundingClientRect().width }))
          .filter((r) => r.h < 44 || r.w < 24),
      );
      assert.deepEqual(small, [], 'every control is at least 44 px high');
      await page.screenshot({ path: path.join(shots, 'register-personal-360.png'), fullPage: true });
    } finally {
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
});
