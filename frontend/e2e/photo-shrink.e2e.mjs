// Issue 15, target 2: the phone does the heavy lifting. On a phone-sized page
// throttled to DevTools' "Fast 3G", a cardholder chooses a 12 MP JPEG stored
// on its side with EXIF orientation 6 (as phones save portraits). The page
// shrinks it in the browser (upright, long side 1800 px, JPEG ≤ 1 MB) and
// uploads that; the server's source is portrait with the face found, and the
// checked card photo appears. The same file uploaded unshrunk (the browser
// without createImageBitmap: the fallback of an old browser) is measured
// beside it. The times are printed, never asserted: they are a benchmark.
// The server still refuses bad photos sent to it directly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { startBackend, adminCookie } from './backend.mjs';
import { FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, consoleAPI, imageLoaded, keepFailure } from './support.mjs';

const PHONE = { width: 390, height: 844 };
/**
 * DevTools' "Fast 3G" preset (front_end/core/sdk/NetworkManager.ts,
 * Fast3GConditions): 1.6 Mbit/s down and 750 kbit/s up, both × 0.9, and
 * 150 ms × 3.75 latency. CDP takes the throughputs in bytes per second.
 */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75, // 562.5 ms
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, // 180,000 B/s
  uploadThroughput: ((750 * 1000) / 8) * 0.9, // 84,375 B/s
};
const MAX_UPLOAD = 1_000_000;
const SLOW = 240_000; // the unshrunk upload takes most of a minute at 84 kB/s

let backend;
let browser;
let client; // consoleAPI with the admin's cookie
let photo; // the 12 MP test photo (Buffer)
const figures = {};

before(async () => {
  assert.ok(fs.existsSync(FACE_PHOTO), `${FACE_PHOTO} is missing: run make pigo-assets`);
  backend = await startBackend({ smtp: true, settings: { 'company.name': 'Bygg AB' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  client = consoleAPI(backend.baseURL, await adminCookie(backend.baseURL));
  const t = Date.now();
  photo = await photo12MP();
  console.log(`the 12 MP photo: ${photo.length} bytes, made in ${Date.now() - t} ms`);
});

after(async () => {
  await browser?.close().catch(() => {});
  await backend?.stop();
  if (Object.keys(figures).length) {
    console.log('\nphoto chosen → checked result on screen, Fast 3G, 12 MP JPEG (%s bytes):', photo?.length);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(28)} ${JSON.stringify(v)}`);
  }
});

/**
 * A 12 MP phone photo: pigo's face (scaled 5×) on a textured wall with a
 * camera's grain, 3000×4000 upright, stored turned on its side as 4000×3000
 * with EXIF orientation 6, JPEG quality 92 — about the size of a phone's.
 * Made with the browser's canvas; the EXIF segment is added here.
 */
async function photo12MP() {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const b64 = await page.evaluate(async (data) => {
      const face = new Image();
      face.src = 'data:image/jpeg;base64,' + data;
      await face.decode();
      const W = 3000;
      const H = 4000;
      const up = document.createElement('canvas');
      up.width = W;
      up.height = H;
      const g = up.getContext('2d');
      const px = g.createImageData(W, H);
      let seed = 1234567;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const o = 4 * (y * W + x);
          const n = (rnd() - 0.5) * 22;
          px.data[o] = 150 + ((x * 7 + y * 3) % 40) + n;
          px.data[o + 1] = 140 + ((x * 5 + y * 11) % 30) + n;
          px.data[o + 2] = 130 + ((x * 3 + y * 5) % 50) + n;
          px.data[o + 3] = 255;
        }
      }
      g.putImageData(px, 0, 0);
      g.imageSmoothingQuality = 'high';
      const fw = face.width * 5;
      const fh = face.height * 5;
      g.drawImage(face, (W - fw) / 2, H - fh, fw, fh);
      // Stored as a phone does: turned 90° counter-clockwise (orientation 6 turns it back).
      const stored = document.createElement('canvas');
      stored.width = H;
      stored.height = W;
      const s = stored.getContext('2d');
      s.translate(0, W);
      s.rotate(-Math.PI / 2);
      s.drawImage(up, 0, 0);
      return stored.toDataURL('image/jpeg', 0.92).split(',')[1];
    }, fs.readFileSync(FACE_PHOTO).toString('base64'));
    return withOrientation(Buffer.from(b64, 'base64'), 6);
  } finally {
    await context.close();
  }
}

/** jpeg with an EXIF APP1 holding only Orientation = o, right after SOI (as src/lib/shrink.ts). */
function withOrientation(jpeg, o) {
  const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const seg = Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  return Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);
}

/** A cardholder on the photo step: invited, method and personal data given. */
async function onPhotoStep() {
  const { token } = await client.invite(`shrink-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.se`, 'Sara');
  const r = (p) => `/api/register/${token}${p}`;
  await client.api('PUT', r('/method'), { method: 'manual' }, { admin: false });
  await client.api('PUT', r('/personal'), { firstName: 'Sara', lastName: 'Ek', hasPersonnummer: true, personnummer: '19811218-9876', phone: '070-123 45 67' }, { admin: false });
  return token;
}

/**
 * Chooses the photo on a throttled phone page and waits for the server's
 * answer on screen (the crop editor with its picture), then saves the crop
 * and waits for the checked card photo. Answers the upload's bytes, the
 * session, the crop picture's address and the two times in ms.
 */
async function choosePhoto(name, initScript) {
  const token = await onPhotoStep();
  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: PHONE, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(STEP_TIMEOUT);
  // The body of every photo upload as the page sends it.
  await context.addInitScript(() => {
    window.__uploads = [];
    const fetch0 = window.fetch;
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (/\/photo$/.test(url) && init?.method === 'POST') window.__uploads.push({ bytes: init.body.size, type: init.body.type });
      return fetch0(input, init);
    };
  });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`/#/register/${token}`);
    await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    // The clock starts when the page has the file (the input's change event);
    // what the page says meanwhile is recorded as it changes.
    await page.evaluate(() => {
      window.__phases = [];
      window.__phaseAt = {};
      document.querySelector('[data-testid="photo-input"]').addEventListener('change', () => (window.__chosen = performance.now()), { capture: true });
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid="photo-progress"]');
        const seen = p && `${p.dataset.phase}: ${p.textContent.trim()} / ${document.querySelector('[data-testid="photo-choose"]')?.textContent.trim()}`;
        if (seen && window.__phases.at(-1) !== seen) {
          window.__phases.push(seen);
          window.__phaseAt[p.dataset.phase] ??= performance.now();
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('photo-input').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    const shown = await page.waitForFunction(
      () => {
        const img = document.querySelector('[data-testid="crop-source"]');
        return document.querySelector('[data-testid="crop-frame"]') && img?.complete && img.naturalWidth > 0 && performance.now();
      },
      undefined,
      { polling: 'raf', timeout: SLOW },
    );
    const shownAt = await shown.jsonValue();
    const { chosen, uploadAt } = await page.evaluate(() => ({ chosen: window.__chosen, uploadAt: window.__phaseAt.upload }));
    const cropShownMs = shownAt - chosen;
    // Chosen → upload starts: shrinking (about nothing when there is none).
    const shrinkMs = uploadAt - chosen;
    const phases = await page.evaluate(() => window.__phases);
    const cropSrc = await page.getByTestId('crop-source').getAttribute('src');
    const uploads = await page.evaluate(() => window.__uploads);
    const session = await client.api('GET', `/api/register/${token}`, undefined, { admin: false });

    const t1 = await page.evaluate(() => performance.now());
    await page.getByTestId('use-crop').click();
    await imageLoaded(page, 'final-photo', SLOW);
    await page.getByTestId('photo-check').waitFor();
    const checkedMs = (await page.evaluate(() => performance.now())) - t1;
    const blocking = await page.locator('[data-testid="photo-check"] li.blocking').evaluateAll((ls) => ls.map((l) => l.dataset.problem));
    assert.deepEqual(errors, [], 'no page errors');
    return { token, uploads, session, cropSrc, cropShownMs, shrinkMs, checkedMs, blocking, phases };
  } catch (e) {
    await keepFailure(page, `photo-shrink-${name}`, e);
  } finally {
    await context.close();
  }
}

/** The face was found in an upright portrait: the orientation was honoured. */
function assertUpright(r, what) {
  const p = r.session.photo;
  assert.ok(p, `${what}: the server has the photo`);
  assert.ok(p.sourceHeight > p.sourceWidth, `${what}: the source is portrait (${p.sourceWidth}×${p.sourceHeight}), so orientation 6 was honoured`);
  assert.ok(!p.problems.some((x) => x.code === 'no_face'), `${what}: a face was found: ${JSON.stringify(p.problems)}`);
  assert.deepEqual(r.blocking, [], `${what}: the checked card photo has nothing blocking`);
}

describe('photo shrunk in the browser before upload (Fast 3G, phone)', () => {
  test('the test photo is a 12 MP phone photo larger than 1 MB, stored on its side with orientation 6', () => {
    // 4000×3000 stored: the SOF0 height and width follow the EXIF segment.
    const sof = photo.indexOf(Buffer.from([0xff, 0xc0]));
    assert.equal(photo.readUInt16BE(sof + 5), 3000);
    assert.equal(photo.readUInt16BE(sof + 7), 4000);
    assert.ok(photo.length > 2 * MAX_UPLOAD && photo.length < 10 * 1024 * 1024, `a phone-sized file: ${photo.length} bytes`);
  });

  test('shrunk in a worker: ≤ 1 MB uploaded, upright, checked', { timeout: SLOW }, async () => {
    const r = await choosePhoto('worker');
    assert.equal(r.uploads.length, 1, 'one upload');
    assert.ok(r.uploads[0].bytes <= MAX_UPLOAD, `the upload is ≤ 1 MB: ${r.uploads[0].bytes} bytes`);
    assert.equal(r.uploads[0].type, 'image/jpeg');
    assertUpright(r, 'shrunk');
    assert.equal(r.session.photo.sourceWidth, 1350, 'long side 1800 px: 1350×1800');
    assert.equal(r.session.photo.sourceHeight, 1800);
    assert.match(r.cropSrc, /^blob:/, 'the crop editor shows the shrunk photo without downloading it again');
    assert.deepEqual(
      r.phases.map((p) => p.split(':')[0]),
      ['shrink', 'upload'],
      `the page says what it does: ${JSON.stringify(r.phases)}`,
    );
    assert.match(r.phases[0], /Bilden förminskas innan den laddas upp.*Förminskar bilden…/);
    assert.match(r.phases[1], /Fotot laddas upp och kontrolleras.*Laddar upp…/);
    figures['shrunk (worker)'] = { uploadBytes: r.uploads[0].bytes, cropShownMs: Math.round(r.cropShownMs), shrinkMs: Math.round(r.shrinkMs), useCropToCheckedMs: Math.round(r.checkedMs) };
  });

  test('shrunk on the page when there is no worker: the same result', { timeout: SLOW }, async () => {
    const r = await choosePhoto('page', () => {
      delete window.Worker;
      window.Worker = undefined;
    });
    assert.ok(r.uploads[0].bytes <= MAX_UPLOAD, `the upload is ≤ 1 MB: ${r.uploads[0].bytes} bytes`);
    assertUpright(r, 'shrunk on the page');
    assert.equal(r.session.photo.sourceHeight, 1800);
    figures['shrunk (page thread)'] = { uploadBytes: r.uploads[0].bytes, cropShownMs: Math.round(r.cropShownMs), shrinkMs: Math.round(r.shrinkMs), useCropToCheckedMs: Math.round(r.checkedMs) };
  });

  test('a browser that cannot shrink uploads the original as before; the server turns it upright', { timeout: SLOW }, async () => {
    const r = await choosePhoto('unshrunk', () => {
      window.createImageBitmap = undefined;
    });
    assert.equal(r.uploads[0].bytes, photo.length, 'the original file, unchanged');
    assertUpright(r, 'unshrunk');
    figures['unshrunk (original)'] = { uploadBytes: r.uploads[0].bytes, cropShownMs: Math.round(r.cropShownMs), shrinkMs: Math.round(r.shrinkMs), useCropToCheckedMs: Math.round(r.checkedMs) };
  });
});

describe('the server never trusts the client', () => {
  test('photos sent directly are checked: too many pixels, not an image, too many bytes', async () => {
    const token = await onPhotoStep();
    const post = async (body, type = 'image/jpeg') => {
      const res = await fetch(new URL(`/api/register/${token}/photo`, backend.baseURL), { method: 'POST', headers: { 'Content-Type': type }, body });
      const text = await res.text();
      return { status: res.status, code: text ? JSON.parse(text)?.error?.code : undefined };
    };
    // A JPEG header claiming 6000×6000 (36 MP): refused before any pixel is decoded.
    const sof = [0xff, 0xc0, 0, 11, 8, 6000 >> 8, 6000 & 0xff, 6000 >> 8, 6000 & 0xff, 1, 1, 0x11, 0];
    const bomb = Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0, 0xff, 0xd9]);
    assert.deepEqual(await post(bomb), { status: 400, code: 'photo_dimensions' });
    assert.deepEqual(await post(Buffer.from('MZ not a photo at all')), { status: 400, code: 'photo_format' });
    // Over 10 MiB: refused (413) whatever the page would have done.
    const big = Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024 + 1 - photo.length)]);
    const r = await post(big);
    assert.equal(r.status, 413, `10 MiB + 1: ${JSON.stringify(r)}`);
    // The session still has no photo.
    const s = await client.api('GET', `/api/register/${token}`, undefined, { admin: false });
    assert.ok(!s.photo, 'nothing was stored');
  });
});
