// End-to-end tests of the kiosk's screens and privacy (issue 10 items 12,
// 14, 15, 16) against the real binary in `--kiosk serve` mode, with its test
// camera (pigo's passport sample on grey) and BankID set up against the real
// BankID test server (bankidstub; it completes an identification after
// four 2-second collects).
//
// 1. Every step of a registration fits a 1280×800 and a 1920×1080 screen
//    without scrolling, its primary button and its QR code / camera picture
//    fully in view: start, code (keyboard open), method, BankID QR,
//    personal data (keyboard open), photo capture, photo result, delivery,
//    review, done. Each step is photographed into e2e/screenshots.
// 2. No file input and no file dialog at the kiosk; the manual method says
//    the camera takes the photo; the done page says Nexus makes the card.
// 3. "Cancel and delete" during a BankID identification: nothing of it is
//    stored, although the stub would have completed it.
// 4. After a wipe, the browser's Back shows the start screen, not the
//    previous person's registration.
//
// Set-up with the CLI only (kiosk mode has no admin API): company, BankID
// URL, invitations; the stub's PEM files are copied into the config folder
// as Settings → BankID would store them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { cli, startBackend, startBankIDStub, stopAll } from './backend.mjs';
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, waitForHash, imageLoaded, keepFailure } from './support.mjs';

const COMPANY = 'E2E Skärm Bygg AB';
const FACE_FILE = 'face.jpg';
const BANKID_TIMEOUT = 30_000;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

let dataDir;
let cameraDir;
let stubDir;
let stub;
let kiosk;
let browser;
let kioskCookie; // the kiosk screen's cookie, from its one-time link
const problems = [];

function watch(page, who) {
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('filechooser', () => problems.push(`${who}: a file dialog opened at the kiosk`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(kiosk.baseURL) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`${who} external request: ${url}`);
  });
}

/** `invite` prints "<id> <code> <link>". */
function invite(email) {
  const out = cli(dataDir, ['invite', '--email', email, '--lang', 'sv']).trim().split('\n').at(-1);
  const [id, code, link] = out.trim().split(/\s+/);
  const m = /#\/register\/(v1\.[A-Za-z0-9._~-]+)/.exec(link ?? '');
  assert.ok(id && code && m, `"invite" printed "<id> <code> <link>": ${out}`);
  return { id, code, token: m[1], email };
}

/** The camera picture: the passport sample enlarged on grey, 1920×1080. */
async function drawFace() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const face = fs.readFileSync(FACE_PHOTO).toString('base64');
  const out = await page.evaluate(async (face) => {
    const img = new Image();
    img.src = 'data:image/jpeg;base64,' + face;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = 1920;
    c.height = 1080;
    const g = c.getContext('2d');
    g.fillStyle = '#808080';
    g.fillRect(0, 0, c.width, c.height);
    g.imageSmoothingQuality = 'high';
    g.drawImage(img, (1920 - 760) / 2, (1080 - 950) / 2, 760, 950);
    return c.toDataURL('image/jpeg', 0.92).split(',')[1];
  }, face);
  await context.close();
  fs.writeFileSync(path.join(cameraDir, FACE_FILE), Buffer.from(out, 'base64'));
}

before(async () => {
  assert.ok(fs.existsSync(FACE_PHOTO), `the face photo is missing: ${FACE_PHOTO} (run "make pigo-assets")`);
  fs.mkdirSync(shots, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-screens-'));
  cameraDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-screens-camera-'));
  stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-screens-bankid-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  await drawFace();
  stub = await startBankIDStub(stubDir);
  // The certificate files where Settings → BankID keeps them.
  const config = path.join(dataDir, 'config');
  fs.mkdirSync(config, { recursive: true, mode: 0o700 });
  for (const [from, to] of [
    [stub.files.cert, 'bankid-client-cert.pem'],
    [stub.files.key, 'bankid-client-key.pem'],
    [stub.files.rootCA, 'bankid-root-ca.pem'],
  ]) {
    fs.copyFileSync(from, path.join(config, to));
    fs.chmodSync(path.join(config, to), 0o600);
  }
  kiosk = await startBackend({
    dataDir,
    kiosk: true,
    testCamera: cameraDir,
    settings: {
      'company.name': COMPANY,
      'company.address.street': 'Byggvägen 5',
      'company.address.postal_code': '411 01',
      'company.address.city': 'Göteborg',
      'company.address.country': 'SE',
      'smtp.from': 'e2e-sender@example.se',
      'bankid.url': stub.url,
      'kiosk.idle_seconds': '600',
    },
  });
  // The kiosk PC's browser opens the one-time kiosk link and gets the cookie.
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(kiosk.kioskURL);
    await waitForHash(page, /^#\/kiosk$/);
    kioskCookie = (await context.cookies()).find((c) => c.name === 'id06desk_kiosk');
    assert.ok(kioskCookie, 'the kiosk link sets the kiosk cookie');
  } finally {
    await context.close();
  }
});

after(async () => {
  await browser?.close().catch(() => {});
  try {
    await stopAll(kiosk, stub);
  } finally {
    for (const dir of [dataDir, cameraDir, stubDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function api(method, url) {
  const res = await fetch(new URL(url, kiosk.baseURL), { method, headers: { Cookie: `${kioskCookie.name}=${kioskCookie.value}` } });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${url}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function kioskPage(viewport) {
  const context = await browser.newContext({ baseURL: kiosk.baseURL, viewport, hasTouch: true });
  await context.addCookies([kioskCookie]);
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page, `kiosk ${viewport.width}×${viewport.height}`);
  return { context, page };
}

const osk = (page) => page.getByTestId('osk');

/** Types on the on-screen keyboard only. */
async function typeOnScreen(page, field, text) {
  await field.click();
  await osk(page).waitFor();
  for (const ch of text) {
    const layout = await osk(page).getAttribute('data-layout');
    const lower = ch.toLocaleLowerCase('sv');
    if (layout === 'text' && ch !== lower) await page.locator('[data-osk-key="shift"]').click();
    const id = ch === ' ' ? 'space' : layout === 'text' ? lower : ch;
    await page.locator(`[data-osk-key="${id}"]`).click();
  }
  assert.equal(await field.inputValue(), text);
}

/**
 * The step fits the screen: nothing to scroll, and each of the named
 * elements (the primary button, the QR code, the camera picture) fully
 * inside the window. With the on-screen keyboard open the page is padded by
 * the keyboard's height so that a field can move above it: then the page
 * may be taller by that padding only, and the named elements (the focused
 * field, the button) must be fully above the keyboard. Then a screenshot,
 * to be looked at.
 */
async function fits(page, name, viewport, must) {
  // Let the layout settle (images, the keyboard's padding).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const m = await page.evaluate((sels) => {
    const se = document.scrollingElement;
    const k = document.querySelector('[data-testid="osk"]')?.getBoundingClientRect();
    const boxes = sels.map((s) => {
      const el = document.querySelector(s);
      const r = el?.getBoundingClientRect();
      return r ? { s, top: r.top, bottom: r.bottom, left: r.left, right: r.right } : { s, missing: true };
    });
    return { scrollHeight: se.scrollHeight, scrollWidth: se.scrollWidth, innerHeight, innerWidth, keyboardTop: k ? k.top : null, keyboardHeight: k ? k.height : 0, boxes };
  }, must);
  await page.screenshot({ path: path.join(shots, `kiosk-${viewport.width}x${viewport.height}-${name}.png`) });
  // Collected, so that one run names every step that does not fit.
  const at = `${name} at ${viewport.width}×${viewport.height}`;
  if (m.scrollHeight > m.innerHeight + m.keyboardHeight) {
    layoutProblems.push(`${at}: the page scrolls (${m.scrollHeight} > ${m.innerHeight}${m.keyboardHeight ? ` + the keyboard's ${m.keyboardHeight}` : ''})`);
  }
  if (m.scrollWidth > m.innerWidth) layoutProblems.push(`${at}: the page scrolls sideways (${m.scrollWidth} > ${m.innerWidth})`);
  const bottom = m.keyboardTop ?? m.innerHeight;
  for (const b of m.boxes) {
    if (b.missing) layoutProblems.push(`${at}: ${b.s} is not on the screen`);
    else if (!(b.top >= 0 && b.left >= 0 && b.right <= m.innerWidth && b.bottom <= bottom)) {
      layoutProblems.push(`${at}: ${b.s} is at y ${Math.round(b.top)}–${Math.round(b.bottom)}, x ${Math.round(b.left)}–${Math.round(b.right)}; visible: y 0–${Math.round(bottom)}, x 0–${m.innerWidth}`);
    }
  }
}

/** What fits() found; each screen test ends by asserting it is empty. */
let layoutProblems = [];

const noFileInput = async (page, step) =>
  assert.equal(await page.locator('input[type=file]').count(), 0, `${step}: no file input at the kiosk`);

/** From the start screen: "Type your code", the code, Continue. */
async function openByCode(page, viewport, code, check) {
  await page.goto('/');
  await waitForHash(page, /^#\/kiosk$/);
  await page.getByRole('heading', { name: 'Registrera dig för ditt ID06-kort', level: 1 }).waitFor();
  if (check) {
    await imageLoaded(page, 'camera-preview');
    await fits(page, '1-start', viewport, ['[data-testid="camera-preview"]', 'a[href="#/register"]']);
  }
  await page.getByRole('link', { name: 'Skriv in din kod' }).click();
  await waitForHash(page, /^#\/register$/);
  await osk(page).waitFor();
  await typeOnScreen(page, page.getByLabel('Inbjudningskod'), code.toUpperCase());
  if (check) await fits(page, '2-code-keyboard', viewport, ['#code', 'form button[type="submit"]']);
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await waitForHash(page, /^#\/register\/v1\./);
  await page.getByRole('heading', { name: 'Hur vill du registrera dig?', level: 1 }).waitFor();
}

describe('kiosk screens', () => {
  for (const viewport of SIZES) {
    test(`every step fits ${viewport.width}×${viewport.height} without scrolling`, async () => {
      const who = invite(`screens.${viewport.width}@example.se`);
      const { context, page } = await kioskPage(viewport);
      layoutProblems = [];
      try {
        await openByCode(page, viewport, who.code, true);
        await noFileInput(page, 'method');
        assert.match(await page.getByTestId('manual-desc').textContent(), /kameran/);
        assert.doesNotMatch(await page.getByTestId('manual-desc').textContent(), /ladda upp/i);
        await fits(page, '3-method', viewport, ['[data-testid="bankid-state"]', '[data-testid="manual-desc"]']);

        // BankID: the QR code in full view; Cancel goes back to the choice.
        await page.getByRole('button', { name: 'Med svenskt BankID' }).click();
        await page.getByRole('heading', { name: 'Legitimera dig med BankID', level: 1 }).waitFor();
        await imageLoaded(page, 'bankid-qr');
        await fits(page, '4-bankid-qr', viewport, ['[data-testid="bankid-qr"]', '[data-testid="bankid-cancel"]', '[data-testid="bankid-manual"]']);
        await page.getByTestId('bankid-cancel').click();
        await page.getByRole('heading', { name: 'Hur vill du registrera dig?', level: 1 }).waitFor();

        // By hand: every field on the on-screen keyboard.
        await page.getByRole('button', { name: 'Registrera manuellt' }).click();
        await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
        await typeOnScreen(page, page.getByLabel('Förnamn', { exact: true }), 'Siv');
        await typeOnScreen(page, page.getByLabel('Efternamn', { exact: true }), 'Skärm');
        await typeOnScreen(page, page.getByLabel('Personnummer eller samordningsnummer', { exact: true }), '19811218-9876');
        await typeOnScreen(page, page.getByLabel('Mobilnummer', { exact: true }), '0701234567');
        await fits(page, '5-personal-keyboard', viewport, ['input:focus']);
        await page.getByRole('button', { name: 'Nästa', exact: true }).click();
        await waitForHash(page, /step=photo/);

        // The photo: the camera picture and "Take photo" in view.
        await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();
        await osk(page).waitFor({ state: 'detached' });
        await imageLoaded(page, 'camera-preview');
        await noFileInput(page, 'photo');
        await fits(page, '6-photo-camera', viewport, ['[data-testid="camera-preview"]', '[data-testid="take-photo"]']);
        await page.getByTestId('take-photo').click();
        await imageLoaded(page, 'final-photo', 20_000);
        const useIt = page.getByRole('button', { name: 'Använd det här fotot' });
        await noFileInput(page, 'photo result');
        await fits(page, '7-photo-result', viewport, ['[data-testid="final-photo"]', '[data-testid="retake"]']);
        const usable = !(await useIt.isDisabled());
        assert.ok(usable, `the camera photo can be used: ${await page.getByTestId('photo-check').textContent()}`);
        await useIt.click();
        await waitForHash(page, /step=delivery/);

        await page.getByRole('heading', { name: 'Leverans', level: 1 }).waitFor();
        await fits(page, '8-delivery', viewport, ['[data-testid="company-address"]']);
        await page.getByRole('button', { name: 'Nästa', exact: true }).click();
        await waitForHash(page, /step=review/);
        await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
        await imageLoaded(page, 'review-photo');
        await fits(page, '9-review', viewport, ['[data-testid="confirm"]']);
        await page.getByTestId('confirm').click();

        const done = page.getByTestId('register-done');
        await done.waitFor();
        assert.match(await done.textContent(), /Nexus/, 'the done page names Nexus, as the mails do');
        assert.doesNotMatch(await done.textContent(), /till ID06/);
        await fits(page, '10-done', viewport, ['[data-testid="done-finish"]']);
        await page.getByTestId('done-finish').click();
        await waitForHash(page, /^#\/kiosk$/);
        assert.deepEqual(layoutProblems, [], 'every step fits the screen');
      } catch (e) {
        await keepFailure(page, `kiosk-screens-${viewport.width}`, e);
      } finally {
        await context.close();
      }
    });
  }
});

describe('kiosk privacy', () => {
  test('"Cancel and delete" during BankID: BankID is cancelled and nothing of it is stored', async () => {
    const who = invite('bankid.cancel@example.se');
    const { context, page } = await kioskPage(SIZES[0]);
    const deletes = [];
    page.on('request', (r) => r.method() === 'DELETE' && deletes.push(new URL(r.url()).pathname));
    try {
      await openByCode(page, SIZES[0], who.code, false);
      await page.getByRole('button', { name: 'Med svenskt BankID' }).click();
      await imageLoaded(page, 'bankid-qr');
      await page.getByTestId('kiosk-cancel').click();
      await page.getByRole('button', { name: 'Avbryt och radera' }).click();
      await waitForHash(page, /^#\/kiosk$/);
      // The stub would have completed after ~8 s: wait past that.
      await new Promise((r) => setTimeout(r, 12_000));
      const session = await api('GET', `/api/register/${encodeURIComponent(who.token)}`);
      assert.equal(session.personal, null, `nothing of the cancelled identification is stored: ${JSON.stringify(session.personal)}`);
      assert.ok(deletes.some((p) => p.endsWith('/draft')), `the draft was discarded: ${deletes.join(', ')}`);
      const status = await fetch(new URL(`/api/register/${encodeURIComponent(who.token)}/bankid`, kiosk.baseURL), {
        headers: { Cookie: `${kioskCookie.name}=${kioskCookie.value}` },
      });
      assert.equal(status.status, 404, 'no identification runs for the invitation any more');
    } catch (e) {
      await keepFailure(page, 'kiosk-bankid-cancel', e);
    } finally {
      await context.close();
    }
  });

  test('after a wipe, Back shows the start screen and nothing of the previous person', async () => {
    const who = invite('back.after.wipe@example.se');
    const { context, page } = await kioskPage(SIZES[0]);
    try {
      await openByCode(page, SIZES[0], who.code, false);
      await page.getByRole('button', { name: 'Registrera manuellt' }).click();
      await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
      await typeOnScreen(page, page.getByLabel('Förnamn', { exact: true }), 'Bodil');
      await page.getByTestId('kiosk-cancel').click();
      await page.getByRole('button', { name: 'Avbryt och radera' }).click();
      await waitForHash(page, /^#\/kiosk$/);
      await page.getByRole('heading', { name: 'Registrera dig för ditt ID06-kort', level: 1 }).waitFor();

      for (let i = 0; i < 3; i++) {
        await page.goBack().catch(() => {});
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') || location.hash === '#/kiosk');
        await page.waitForTimeout(300);
        const hash = await page.evaluate(() => location.hash);
        assert.ok(!hash.startsWith('#/register/'), `Back #${i + 1} shows ${hash}, not the previous registration`);
        const html = await page.evaluate(() => document.body.innerHTML);
        for (const s of [who.email, 'Bodil', who.token]) assert.ok(!html.includes(s), `Back #${i + 1}: "${s}" is not on the screen`);
      }
      await page.goForward().catch(() => {});
      await page.waitForTimeout(300);
      assert.ok(!(await page.evaluate(() => location.hash)).startsWith('#/register/v1.'), 'Forward does not reopen it either');
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'kiosk-back-after-wipe', e);
    } finally {
      await context.close();
    }
  });
});
