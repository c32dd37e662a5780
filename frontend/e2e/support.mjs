// Shared by the end-to-end tests: Chromium's launch, the screenshot folder,
// waiting for the address and for images, the invitation link from the
// sink's mail, and a face photo big enough for a card.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const shots = path.join(here, 'screenshots');
export const repoRoot = path.resolve(here, '..', '..');
/** pigo's sample photo, copied by `make pigo-assets`. */
export const FACE_PHOTO = path.join(repoRoot, 'internal', 'photo', 'testdata', 'pigo-sample.jpg');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const STEP_TIMEOUT = 15_000;
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Waits until location.hash matches re; the error names what it saw. */
export async function waitForHash(page, re, timeout = STEP_TIMEOUT) {
  try {
    await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source, { timeout });
  } catch (e) {
    throw new Error(`waiting for ${re} in the address (now ${await page.evaluate(() => location.hash).catch(() => '?')}): ${e.message}`);
  }
}

/** Waits until the <img data-testid=testId> has loaded a picture. */
export async function imageLoaded(page, testId, timeout = STEP_TIMEOUT) {
  const loaded = (id) => {
    const img = document.querySelector(`[data-testid="${id}"]`);
    return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
  };
  await page.waitForFunction(loaded, testId, { timeout }).catch((e) => {
    throw new Error(`waiting for the image ${testId} to load: ${e.message}`);
  });
}

/** Keeps a screenshot of the page as failed-<name>.png, then rethrows. */
export async function keepFailure(page, name, e) {
  await page.screenshot({ path: path.join(shots, `failed-${name}.png`), fullPage: true }).catch(() => {});
  throw e;
}

export const TOKEN_RE = /#\/register\/(v1\.[A-Za-z0-9._~-]+)/;

/** The registration token from the invitation mail to email in the sink. */
export async function tokenFromMail(mail, email, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  const to = new RegExp(`^To: .*${email.replace(/[.]/g, '\\.')}`, 'mi');
  for (;;) {
    const found = mail.messages().map((m) => m.replace(/=\r?\n/g, '')).find((m) => to.test(m) && TOKEN_RE.test(m));
    if (found) return TOKEN_RE.exec(found)[1];
    if (Date.now() > deadline) throw new Error(`no invitation mail to ${email} with a registration link after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The sample is a 320×400 passport photo: fewer pixels than a card crop
 * needs (ID06: 322×414). A phone photo has many more, so the upload that must
 * succeed is the sample scaled 3× onto a larger canvas (edges extended), as a
 * camera would frame it. Done with the browser's canvas: no image tools needed.
 */
export async function phonePhoto(page) {
  const b64 = fs.readFileSync(FACE_PHOTO).toString('base64');
  const out = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = 'data:image/jpeg;base64,' + data;
    await img.decode();
    const k = 3;
    const w = img.width * k;
    const h = img.height * k;
    const W = Math.round(w * 1.6);
    const H = Math.round(h * 1.35);
    const x0 = Math.round((W - w) / 2);
    const y0 = H - h;
    const c = document.createElement('canvas');
    c.width = W;
    c.height = H;
    const g = c.getContext('2d');
    g.imageSmoothingQuality = 'high';
    g.drawImage(img, 0, 0, 1, img.height, 0, y0, x0, h);
    g.drawImage(img, img.width - 1, 0, 1, img.height, x0 + w, y0, W - x0 - w, h);
    g.drawImage(img, 0, 0, img.width, 1, x0, 0, w, y0);
    g.drawImage(img, 0, 0, 1, 1, 0, 0, x0, y0);
    g.drawImage(img, img.width - 1, 0, 1, 1, x0 + w, 0, W - x0 - w, y0);
    g.drawImage(img, x0, y0, w, h);
    return c.toDataURL('image/jpeg', 0.92).split(',')[1];
  }, b64);
  return Buffer.from(out, 'base64');
}

/**
 * The console's API over fetch with the admin's cookie: api() (JSON in and
 * out; a Uint8Array body goes as a JPEG; admin: false leaves the cookie
 * out, as a cardholder), invite() (queues one invitation; returns {id,
 * token}) and registerManually() (registers by hand through the
 * cardholder API, as the pages do; returns the order id: a ready order).
 */
export function consoleAPI(baseURL, cookie) {
  async function api(method, p, body, { admin = true } = {}) {
    const headers = {};
    if (admin) headers.Cookie = cookie;
    let payload;
    if (body instanceof Uint8Array) {
      headers['Content-Type'] = 'image/jpeg';
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(new URL(p, baseURL), { method, headers, body: payload });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async function invite(email, name) {
    const { created } = await api('POST', '/api/invitations', { rows: [{ email, name, cardType: 'id06-rfid', language: 'sv' }], send: true });
    const token = /#\/register\/(v1\.[A-Za-z0-9._~-]+)/.exec(created[0].link)[1];
    return { id: created[0].id, token };
  }

  /** page: any page of a browser (the photo is made with its canvas). */
  async function registerManually(page, token, firstName, lastName) {
    const r = (p) => `/api/register/${token}${p}`;
    await api('PUT', r('/method'), { method: 'manual' }, { admin: false });
    await api('PUT', r('/personal'), { firstName, lastName, hasPersonnummer: true, personnummer: '19811218-9876', phone: '070-123 45 67' }, { admin: false });
    const uploaded = await api('POST', r('/photo'), new Uint8Array(await phonePhoto(page)), { admin: false });
    await api('PUT', r('/photo/crop'), uploaded.photo.crop, { admin: false });
    await api('PUT', r('/delivery'), {
      useCompany: false,
      address: { name: `${firstName} ${lastName}`, careOf: '', street: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' },
    }, { admin: false });
    const receipt = await api('POST', r('/confirm'), undefined, { admin: false });
    assert.ok(receipt.orderId, `confirm gave an order: ${JSON.stringify(receipt)}`);
    return receipt.orderId;
  }

  return { api, invite, registerManually };
}

/**
 * A call to a kiosk's API as its screen: cookie is the kiosk cookie (as
 * Playwright's context.cookies() gives it); a body other than JSON goes
 * with its contentType. Answers {status, body}.
 */
export async function kioskScreenAPI(baseURL, cookie, method, url, body, contentType = 'application/json') {
  const headers = { Cookie: `${cookie.name}=${cookie.value}` };
  if (body !== undefined) headers['Content-Type'] = contentType;
  const res = await fetch(new URL(url, baseURL), {
    method,
    headers,
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The kiosk's sync view is inside the 1280×800 screen and does not scroll. */
export async function assertSyncViewFits(page) {
  const m = await page.getByTestId('kiosk-sync').evaluate((d) => {
    const r = d.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, scroll: d.scrollHeight - d.clientHeight, w: innerWidth, h: innerHeight };
  });
  assert.ok(m.top >= 0 && m.left >= 0 && m.bottom <= m.h && m.right <= m.w, `the sync view fits the screen: ${JSON.stringify(m)}`);
  assert.ok(m.scroll <= 1, `the sync view does not scroll: ${JSON.stringify(m)}`);
}

/** On the kiosk screen: hold the logo 3 s and type the PIN; returns the PIN pad. */
export async function kioskPIN(page, pin) {
  const logo = page.getByTestId('kiosk-logo');
  await logo.waitFor();
  const box = await logo.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(3300);
  await page.mouse.up();
  const pad = page.getByTestId('pin-dialog');
  await pad.waitFor();
  for (const d of pin) await pad.locator(`[data-pin-key="${d}"]`).click();
  return pad;
}

/**
 * Chromium with one 1280×800 page signed in as the admin by cookie (from
 * backend.mjs adminCookie). Page errors are pushed to problems. Extra
 * context options (acceptDownloads, locale, …) go in contextOptions.
 */
export async function adminBrowser(baseURL, cookie, problems, contextOptions = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, ...contextOptions });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, domain: new URL(baseURL).hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { browser, context, page };
}
