// The admin's invitation and order screens (issue 10, item 16): the new
// invitation rows show their dropdowns in full at 1280 px, a revoked or
// registered invitation shows no link or QR code, invitation and order link
// to each other, and a registered name unlike the invitation's is pointed out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { adminCookie, startBackend } from './backend.mjs';
import { CHROMIUM, LAUNCH_ARGS, STEP_TIMEOUT, consoleAPI, keepFailure, shots, waitForHash } from './support.mjs';

let backend;
let browser;
let cookie;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ smtp: true, settings: { 'company.name': 'Bygg AB' } });
  cookie = await adminCookie(backend.baseURL);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** The admin API, invitations and registrations by hand (support.mjs). */
const api = (...args) => consoleAPI(backend.baseURL, cookie).api(...args);
const invite = (...args) => consoleAPI(backend.baseURL, cookie).invite(...args);
const registerManually = (...args) => consoleAPI(backend.baseURL, cookie).registerManually(...args);

async function adminPage() {
  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const [name, value] = cookie.split('=');
  const { hostname } = new URL(backend.baseURL);
  await context.addCookies([{ name, value, domain: hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { context, page, problems };
}

/**
 * Each select that is narrower than its own content: the width a lone copy
 * of it takes (its widest option plus the arrow) against the width it has.
 */
async function clippedSelects(page, selector) {
  return page.evaluate((sel) => {
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const probe = el.cloneNode(true);
      probe.style.cssText = 'position:absolute;left:-9999px;top:0;width:auto;min-width:0;max-width:none';
      document.body.appendChild(probe);
      const need = probe.getBoundingClientRect().width;
      probe.remove();
      const have = el.getBoundingClientRect().width;
      if (have + 0.5 < need) out.push(`${el.id}: ${Math.round(have)} px for ${Math.round(need)} px (${el.selectedOptions[0]?.text})`);
    }
    return out;
  }, selector);
}

describe('admin screens (1280×800)', () => {
  test('new invitation rows show the card type and industry in full', async () => {
    const { context, page, problems } = await adminPage();
    try {
      await page.goto('/#/invitations/new');
      await page.getByLabel('Klistra in många adresser').fill('anna@example.se\nbo.lindqvist-andersson@example.se\ncecilia@example.se');
      await page.getByRole('button', { name: 'Lägg till adresserna' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="new-row"]').length === 3);
      // The longest names of both catalogs.
      await page.locator('[id$="-cardType"]').first().selectOption('id06-rfid');
      await page.locator('[id$="-industry"]').first().selectOption('installation');
      await page.locator('[id$="-industry"]').nth(1).selectOption('demolition');

      const rowSelects = '[data-testid="new-row"] select';
      assert.deepEqual(await clippedSelects(page, rowSelects), [], 'row dropdowns cut off');
      assert.deepEqual(await clippedSelects(page, '.set-all select'), [], '"for all rows" dropdowns cut off');
      // Nothing scrolls sideways either.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways');
      await page.screenshot({ path: path.join(shots, 'adminui-new-invitation-rows.png') });

      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('[id$="-cardType"]').first().locator('option', { hasText: 'ID06 card with RFID (staff ledger)' }).waitFor({ state: 'attached' });
      assert.deepEqual(await clippedSelects(page, rowSelects), [], 'row dropdowns cut off in English');
      await page.screenshot({ path: path.join(shots, 'adminui-new-invitation-rows-en.png') });

      // Wide screens put a row on one line; a phone stacks it (a name longer
      // than a phone is wide is cut there: a native select cannot wrap).
      for (const [width, height] of [[1920, 1080], [390, 844]]) {
        await page.setViewportSize({ width, height });
        if (width > 1000) assert.deepEqual(await clippedSelects(page, rowSelects), [], `row dropdowns cut off at ${width} px`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `sideways scroll at ${width} px`);
        await page.screenshot({ path: path.join(shots, `adminui-new-invitation-rows-${width}.png`) });
      }
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'adminui-rows', e);
    } finally {
      await context.close();
    }
  });

  test('a revoked invitation shows neither its link nor its QR code', async () => {
    const { id } = await invite('revoked@example.se', 'Rut Revoked');
    const { context, page } = await adminPage();
    try {
      await page.goto(`/#/invitations/${id}`);
      await page.getByTestId('qr').waitFor();
      await page.getByLabel('Registreringslänk').waitFor();

      await page.getByRole('button', { name: 'Återkalla' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Återkalla' }).click();
      await page.getByTestId('detail-status').getByText('Återkallad').waitFor();
      await page.getByTestId('link-gone').getByText('Inbjudan är återkallad').waitFor();
      assert.equal(await page.getByTestId('qr').count(), 0, 'no QR image');
      assert.equal(await page.getByLabel('Registreringslänk').count(), 0, 'no link field');
      assert.equal((await api('GET', `/api/invitations/${id}`)).link, '', 'the API hands out no link');
      await page.screenshot({ path: path.join(shots, 'adminui-revoked-invitation.png') });
    } catch (e) {
      await keepFailure(page, 'adminui-revoked', e);
    } finally {
      await context.close();
    }
  });

  test('order and invitation link each other; a name unlike the invitation’s is pointed out', async () => {
    const { context, page, problems } = await adminPage();
    try {
      await page.goto('/#/orders');
      const kalle = await invite('kalle@example.se', 'Kalle Svensson');
      const anna = await invite('anna.s@example.se', 'Anna Svensson');
      const kalleOrder = await registerManually(page, kalle.token, 'Karl', 'Svensson');
      await registerManually(page, anna.token, 'Anna Maria', 'Svensson');

      // The list: a badge on Karl's order only.
      await page.goto('/#/orders');
      await page.reload();
      const rows = page.getByTestId('order-row');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
      const karlRow = rows.filter({ hasText: 'Karl Svensson' });
      await karlRow.getByTestId('name-mismatch-badge').getByText('Annat namn än i inbjudan').waitFor();
      assert.equal(await rows.filter({ hasText: 'Anna Maria Svensson' }).getByTestId('name-mismatch-badge').count(), 0);
      await page.screenshot({ path: path.join(shots, 'adminui-orders-name-badge.png') });

      // The detail: the warning with both names, and the way to the invitation.
      await karlRow.getByRole('link', { name: 'Karl Svensson' }).click();
      await waitForHash(page, new RegExp(`^#/orders/${kalleOrder}$`));
      const warning = page.getByTestId('name-mismatch');
      await warning.waitFor();
      assert.match(await warning.textContent(), /Namnet som kortinnehavaren angav, Karl Svensson, är inte namnet i inbjudan, Kalle Svensson\./);
      await page.screenshot({ path: path.join(shots, 'adminui-order-name-warning.png') });
      await page.getByRole('button', { name: 'English' }).click();
      await warning.getByText('The name the cardholder entered, Karl Svensson, is not the name on the invitation, Kalle Svensson.').waitFor();
      await page.screenshot({ path: path.join(shots, 'adminui-order-name-warning-en.png') });
      await page.getByRole('button', { name: 'Svenska' }).click();

      await page.getByTestId('order-invitation-link').click();
      await waitForHash(page, new RegExp(`^#/invitations/${kalle.id}$`));
      await page.getByTestId('link-gone').getByText('Kortinnehavaren har registrerat sig').waitFor();
      assert.equal(await page.getByTestId('qr').count(), 0, 'no QR for a registered invitation');
      await page.screenshot({ path: path.join(shots, 'adminui-invitation-order-link.png') });

      await page.getByTestId('detail-order-link').click();
      await waitForHash(page, new RegExp(`^#/orders/${kalleOrder}$`));
      await page.getByTestId('name-mismatch').waitFor();
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'adminui-order-links', e);
    } finally {
      await context.close();
    }
  });
});
