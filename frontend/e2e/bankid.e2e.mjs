// End-to-end tests of issue 6: register with Swedish BankID. The admin sets
// BankID up in Settings → BankID against the BankID test server
// (bankidstub, see backend.mjs); a cardholder scans the animated QR code
// (the stub completes the identification by itself after a few collects),
// gets the name and personnummer filled in and locked, and finishes with
// photo, delivery and confirm; the order shows the BankID badge. Runs
// against the real binary, the real SMTP sink and the real stub. The first
// tests build on each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { adminCookie, startBackend, startBankIDStub, loginAsAdmin, stopAll } from './backend.mjs';
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, TOKEN_RE, waitForHash, imageLoaded, keepFailure, tokenFromMail, phonePhoto } from './support.mjs';

// pigo's passport-style sample, copied by `make pigo-assets` (part of `make build`).
// The stub completes after a few 2-second collects.
const BANKID_TIMEOUT = 30_000;

const COMPANY = 'E2E BankID Bygg AB';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let stub;
let stubDir;
let backend;
let browser;
let admin; // { context, page }: logged in
const problems = [];
const launched = []; // bankid:// addresses the pages opened (the BankID app)

function watch(page, who, baseURL) {
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
  // Nothing may come from anywhere but the app itself.
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith('bankid:')) {
      launched.push(url);
      return;
    }
    if (!url.startsWith(baseURL) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`${who} external request: ${url}`);
  });
}

before(async () => {
  assert.ok(fs.existsSync(FACE_PHOTO), `the face photo is missing: ${FACE_PHOTO} (run "make build")`);
  fs.mkdirSync(shots, { recursive: true });
  stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-bankidstub-'));
  stub = await startBankIDStub(stubDir);
  backend = await startBackend({ smtp: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });

  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: DESKTOP });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page, 'admin', backend.baseURL);
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
  await page.reload();
  await page.getByTestId('header-company').waitFor();
});

after(async () => {
  await admin?.context.close().catch(() => {});
  await browser?.close().catch(() => {});
  try {
    await stopAll(backend, stub);
  } finally {
    if (stubDir) fs.rmSync(stubDir, { recursive: true, force: true });
  }
});

/** An admin API call with the admin's cookie; fails the test on a non-2xx answer. */
async function api(method, url, data) {
  const res = await admin.page.request.fetch(url, { method, data, timeout: STEP_TIMEOUT });
  assert.ok(res.ok(), `${method} ${url}: HTTP ${res.status()} ${await res.text()}`);
  return res.status() === 204 ? null : res.json();
}

/** Creates and sends one invitation (Swedish). */
async function invite(email) {
  const catalog = await api('GET', '/api/catalog');
  const cardType = catalog.cardTypes.find((c) => c.active !== false) ?? catalog.cardTypes[0];
  const res = await api('POST', '/api/invitations', {
    rows: [{ email, cardType: cardType.code, industry: '', language: 'sv', name: '' }],
    send: true,
  });
  assert.equal(res.created.length, 1);
  return res.created[0];
}


async function cardholder(viewport) {
  const small = viewport.width < 500;
  const context = await browser.newContext({ baseURL: backend.baseURL, viewport, isMobile: small, hasTouch: small });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page, `cardholder ${viewport.width}`, backend.baseURL);
  return { context, page };
}

/** The QR image is shown, loaded, and its address changes from second to second. */
async function qrAnimates(page) {
  await imageLoaded(page, 'bankid-qr');
  const qr = page.getByTestId('bankid-qr');
  const first = await qr.getAttribute('src');
  assert.match(first, /\/bankid\/qr\.png\?size=\d+&t=\d+$/);
  await page.waitForFunction(
    (src) => {
      const img = document.querySelector('[data-testid="bankid-qr"]');
      return img instanceof HTMLImageElement && img.getAttribute('src') !== src;
    },
    first,
    { timeout: 5_000 },
  );
  await imageLoaded(page, 'bankid-qr');
  return first;
}

describe('register with Swedish BankID', () => {
  let configured = false;

  test('the admin sets BankID up in Settings → BankID and tests the connection', async () => {
    const { page } = admin;
    try {
      await page.goto('/#/settings?tab=bankid');
      await page.getByRole('link', { name: 'BankID' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'BankID' }).getAttribute('aria-current'), 'page');
      const status = page.getByTestId('bankid-status');
      await status.waitFor();
      assert.equal(await status.getAttribute('data-configured'), 'false');
      assert.match(await status.textContent(), /BankID är inte konfigurerat/);
      for (const f of await page.getByTestId('bankid-file').all()) {
        assert.equal(await f.getAttribute('data-present'), 'false', `${await f.getAttribute('data-file')} is not there yet`);
      }

      // The settings of the bankid.* keys are in this tab's form, not under Company.
      const url = page.getByLabel('API-adress (för test)');
      await url.fill(stub.url);
      assert.equal(await page.getByLabel('Miljö', { exact: true }).inputValue(), 'test');
      assert.equal(await page.getByLabel('Lösenfras för .p12-filen').getAttribute('type'), 'password');
      await page.getByRole('button', { name: 'Spara' }).click();
      await page.getByTestId('settings-saved').waitFor();
      const values = await api('GET', '/api/settings');
      assert.equal(values.values['bankid.url'], stub.url);

      // The three files through the file inputs.
      const upload = async (label, file, name) => {
        await page.getByLabel(`Välj fil för ${label}`, { exact: true }).setInputFiles(file);
        await page.locator(`[data-testid="bankid-file"][data-file="${name}"][data-present="true"]`).waitFor();
      };
      await upload('RP-certifikat (PEM)', stub.files.cert, 'bankid-client-cert.pem');
      await upload('Privat nyckel (PEM)', stub.files.key, 'bankid-client-key.pem');
      await upload('BankID:s rot-CA (PEM)', stub.files.rootCA, 'bankid-root-ca.pem');
      await page.locator('[data-testid="bankid-status"][data-configured="true"]').waitFor();
      assert.match(await status.textContent(), /BankID är konfigurerat/);
      assert.equal(await page.getByTestId('bankid-problem').count(), 0, 'no problem when configured');
      const p12 = page.locator('[data-testid="bankid-file"][data-file="bankid-client.p12"] [data-testid="bankid-file-state"]');
      assert.equal((await p12.textContent()).trim(), 'Behövs inte', 'the .p12 is the alternative to the PEM pair');

      await page.getByTestId('bankid-test').click();
      const result = page.getByTestId('bankid-test-result');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-ok'), 'true', `the test call: ${await result.textContent()}`);
      assert.match(await result.textContent(), /Anslutningen fungerar/);
      await page.screenshot({ path: path.join(shots, 'settings-bankid.png'), fullPage: true });

      const st = await api('GET', '/api/bankid/status');
      assert.equal(st.configured, true);
      configured = true;
    } catch (e) {
      await keepFailure(page, 'settings-bankid', e);
    }
  });

  test('a cardholder identifies with BankID: QR, locked name and personnummer, photo, delivery, confirm', async () => {
    assert.ok(configured, 'needs BankID set up by the previous test');
    const email = 'erik.bankid@example.se';
    await invite(email);
    const token = await tokenFromMail(backend.mail, email);

    // At a computer: the QR code, large and animated; Cancel goes back.
    {
      const { context, page } = await cardholder(DESKTOP);
      try {
        await page.goto(`/#/register/${token}`);
        const bankid = page.getByRole('button', { name: 'Med svenskt BankID' });
        await bankid.waitFor();
        assert.equal(await bankid.isDisabled(), false, 'BankID is offered once configured');
        await bankid.click();
        await waitForHash(page, /step=personal/);
        await page.getByRole('heading', { name: 'Legitimera dig med BankID', level: 1 }).waitFor();
        await qrAnimates(page);
        const box = await page.getByTestId('bankid-qr').boundingBox();
        assert.ok(box && box.width >= 250, `the QR code is shown large: ${box?.width}px`);
        assert.equal(await page.getByTestId('bankid-message').getAttribute('aria-live'), 'polite');
        assert.ok((await page.getByTestId('bankid-message').textContent()).trim().length > 10, 'BankID’s message is shown');
        assert.equal(await page.getByTestId('bankid-same-device').count(), 1, 'a browser offers to open BankID on this device');
        await page.screenshot({ path: path.join(shots, 'bankid-qr.png'), fullPage: true });

        // "Open BankID on this device" restarts for this device and opens the app.
        const restart = page.waitForResponse((r) => r.request().method() === 'POST' && /\/bankid$/.test(r.url()));
        await page.getByTestId('bankid-same-device').click();
        const answer = await restart;
        assert.deepEqual(answer.request().postDataJSON(), { sameDevice: true });
        const { autoStartToken } = await answer.json();
        assert.ok(autoStartToken, 'the restart gives an autostart token');
        const deadline = Date.now() + 5_000;
        while (launched.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(launched, [`bankid:///?autostarttoken=${autoStartToken}&redirect=null`]);
        await page.locator('[data-testid="bankid-panel"][data-phase="pending"]').waitFor();

        await page.getByTestId('bankid-cancel').click();
        await waitForHash(page, /step=method/);
        await page.getByRole('heading', { name: 'Hur vill du registrera dig?', level: 1 }).waitFor();
      } catch (e) {
        await keepFailure(page, 'bankid-desktop', e);
      } finally {
        await context.close();
      }
    }

    // On a phone: the whole registration.
    const { context, page } = await cardholder(PHONE);
    try {
      await page.goto(`/#/register/${token}`);
      const chooser = page.getByRole('button', { name: 'Med svenskt BankID' });
      const panel = page.getByTestId('bankid-panel');
      await chooser.or(panel).first().waitFor();
      if (await chooser.isVisible()) await chooser.click();
      await panel.waitFor();
      await qrAnimates(page);
      const same = page.getByTestId('bankid-same-device');
      assert.equal(await same.count(), 1, 'a phone offers to open BankID on this device');
      const sameBox = await same.boundingBox();
      const qrBox = await page.getByTestId('bankid-qr').boundingBox();
      assert.ok(sameBox.y < qrBox.y, 'on a phone the button comes before the QR code');
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `no horizontal scroll on a phone: ${widths.scroll} > ${widths.client}`);
      await page.screenshot({ path: path.join(shots, 'bankid-qr-phone.png'), fullPage: true });

      // The stub completes by itself: the personal step with the locked data.
      const locked = page.getByTestId('bankid-locked');
      await locked.waitFor({ timeout: BANKID_TIMEOUT });
      await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
      assert.match(await locked.textContent(), /Från BankID/);
      const session = await (await page.request.get(`/api/register/${token}`)).json();
      assert.equal(session.personal.locked, true);
      assert.equal(session.method, 'bankid');
      const name = `${session.personal.firstName} ${session.personal.lastName}`;
      assert.equal((await page.getByTestId('locked-name').textContent()).trim(), name);
      assert.match((await page.getByTestId('locked-pnr').textContent()).trim(), /^\d{8}-\d{4}$/);
      assert.equal(await page.getByLabel('Förnamn', { exact: true }).count(), 0, 'no input for the first name');
      assert.equal(await page.getByLabel('Efternamn', { exact: true }).count(), 0, 'no input for the last name');
      assert.equal(await page.getByLabel('Personnummer eller samordningsnummer', { exact: true }).count(), 0, 'no input for the personnummer');
      assert.equal(await page.locator('[data-testid="personal-form"] input:not([type=hidden])').count(), 1, 'only the phone is asked');
      await page.screenshot({ path: path.join(shots, 'bankid-locked.png'), fullPage: true });

      await page.getByLabel('Mobilnummer', { exact: true }).fill('070-123 45 67');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=photo/);
      await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();

      await page.getByTestId('photo-input').setInputFiles({ name: 'erik.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto(page) });
      await page.getByTestId('crop-frame').waitFor();
      await page.getByTestId('use-crop').click();
      await imageLoaded(page, 'final-photo');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=delivery/);
      await page.getByRole('heading', { name: 'Leverans', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=review/);

      await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
      assert.match(await page.getByTestId('review-personal').textContent(), new RegExp(name));
      assert.match(await page.getByTestId('review-bankid').textContent(), /bekräftad med BankID/);
      assert.doesNotMatch(await page.getByTestId('register').textContent(), /Sistec/, 'nothing about booking at the scanning partner');
      await page.screenshot({ path: path.join(shots, 'bankid-review.png'), fullPage: true });

      await page.getByTestId('confirm').click();
      const done = page.getByTestId('register-done');
      await done.waitFor();
      assert.match(await page.getByTestId('bankid-done').textContent(), /Ingen identitetskontroll behövs/);
      assert.equal(await page.getByTestId('partner-step').count(), 0, 'no visit to book');
      await page.screenshot({ path: path.join(shots, 'bankid-done.png'), fullPage: true });
    } catch (e) {
      await keepFailure(page, 'bankid-phone', e);
    } finally {
      await context.close();
    }

    // The admin's order list shows the BankID badge.
    const list = await api('GET', '/api/orders');
    const order = list.items.find((o) => o.email === email) ?? list.items[0];
    assert.match(order.identityCheck, /^bankid(_passport)?$/);
    const { page: ap } = admin;
    await ap.goto('/#/orders');
    const row = ap.getByTestId('order-row').first();
    await row.waitFor();
    const badge = row.getByTestId('identity-badge');
    assert.match(await badge.getAttribute('data-identity'), /^bankid(_passport)?$/);
    assert.match(await badge.textContent(), /BankID/);
    assert.deepEqual(problems, []);
  });
});

describe('BankID not set up', () => {
  test('the method screen says BankID is not available on a fresh backend', async () => {
    const fresh = await startBackend({ smtp: true });
    const context = await browser.newContext({ baseURL: fresh.baseURL, viewport: PHONE, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(STEP_TIMEOUT);
    try {
      const cookie = await adminCookie(fresh.baseURL);
      const call = async (method, url, body) => {
        const res = await fetch(new URL(url, fresh.baseURL), {
          method,
          headers: { 'Content-Type': 'application/json', Cookie: cookie },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        assert.ok(res.ok, `${method} ${url}: HTTP ${res.status} ${text}`);
        return JSON.parse(text);
      };
      const st = await call('GET', '/api/bankid/status');
      assert.equal(st.configured, false);
      await call('PUT', '/api/settings', { values: { 'company.name': 'Ny Bygg AB' } });
      const catalog = await call('GET', '/api/catalog');
      const created = await call('POST', '/api/invitations', {
        rows: [{ email: 'fia.fresh@example.se', cardType: catalog.cardTypes[0].code, industry: '', language: 'sv', name: '' }],
        send: true, // a draft's link does not open
      });
      const token = TOKEN_RE.exec(created.created[0].link)[1];

      const page = await context.newPage();
      watch(page, 'fresh', fresh.baseURL);
      await page.goto(`/#/register/${token}`);
      const bankid = page.getByRole('button', { name: 'Med svenskt BankID' });
      await bankid.waitFor().catch((e) => keepFailure(page, 'bankid-fresh', e));
      assert.equal(await bankid.isDisabled(), true, 'BankID is not offered');
      assert.match(await page.getByTestId('bankid-state').textContent(), /BankID går inte att använda här just nu/);
      // Asking for it anyway is refused with the same sentence.
      const res = await page.request.put(`/api/register/${token}/method`, { data: { method: 'bankid' } });
      assert.equal(res.status(), 409);
      assert.equal((await res.json()).error.code, 'not_configured');
    } finally {
      await context.close();
      await fresh.stop();
    }
    assert.deepEqual(problems, []);
  });
});
