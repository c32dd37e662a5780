// Pairing by QR (issue 13, item 1) and unpairing (item 2), with two real
// instances: the console (serve) shows a new kiosk's pairing QR on its
// Kiosks & sync page; a screenshot of that page at 1280×800 is what the
// kiosk's test camera plays (as a webcam pointed at the admin's screen);
// at the kiosk (`serve --kiosk`, 1280×800) the Sync view after the PIN
// scans it and joins. The kiosk's first bundle, imported at the console,
// takes the QR off the console's screen and out of its API. The kiosk then
// unpairs from its Sync view and can pair again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { adminCookie, cli, startBackend, stopAll } from './backend.mjs';
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, waitForHash, keepFailure, kioskScreenAPI, assertSyncViewFits, kioskPIN } from './support.mjs';

const PIN = '2468';

let consoleApp;
let kiosk;
let browser;
let cameraDir;
let kioskCookie;
let adminPage;
let kioskPage;
const problems = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  cameraDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-camera-'));
  fs.copyFileSync(FACE_PHOTO, path.join(cameraDir, '1-face.jpg')); // a picture without a QR code
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  consoleApp = await startBackend({ settings: { 'company.name': 'Bygg & Söner AB', 'company.org_number': '556036-0793', 'smtp.from': 'id06@bygg.se' } });
  kiosk = await startBackend({ kiosk: true, testCamera: cameraDir, pin: PIN });

  const cookie = await adminCookie(consoleApp.baseURL);
  const admin = await browser.newContext({ baseURL: consoleApp.baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'sv-SE' });
  admin.setDefaultTimeout(STEP_TIMEOUT);
  const [name, value] = cookie.split('=');
  await admin.addCookies([{ name, value, domain: new URL(consoleApp.baseURL).hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  adminPage = await admin.newPage();
  adminPage.on('pageerror', (e) => problems.push(`console pageerror: ${e.message}`));

  const k = await browser.newContext({ baseURL: kiosk.baseURL, viewport: { width: 1280, height: 800 }, hasTouch: true });
  k.setDefaultTimeout(STEP_TIMEOUT);
  kioskPage = await k.newPage();
  kioskPage.on('pageerror', (e) => problems.push(`kiosk pageerror: ${e.message}`));
  await kioskPage.goto(kiosk.kioskURL);
  await waitForHash(kioskPage, /^#\/kiosk$/);
  kioskCookie = (await k.cookies()).find((c) => c.name === 'id06desk_kiosk');
  assert.ok(kioskCookie, 'the kiosk link sets the kiosk cookie');
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopAll(kiosk, consoleApp);
  if (cameraDir) fs.rmSync(cameraDir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
});

/** A call to the kiosk's API as its screen (its cookie). */
const kioskAPI = (method, url, body) => kioskScreenAPI(kiosk.baseURL, kioskCookie, method, url, body);

/** Hold the logo, type the PIN, open Sync. */
async function openSync(page) {
  await kioskPIN(page, PIN);
  await page.getByTestId('pin-sync').click();
  await page.getByRole('dialog', { name: 'Synka med kontoret' }).waitFor();
}

describe('pairing by QR and unpairing', () => {
  test('the console shows the pairing QR, the kiosk camera reads it off the screen and joins; the QR goes once the kiosk joined', async () => {
    let page = adminPage;
    try {
      await page.goto('/#/kiosks');
      await page.getByTestId('kiosk-add').click();
      await page.getByLabel('Namn').fill('Bygget Norr');
      await page.getByLabel('Plats (valfri)').fill('Norra länken');
      await page.getByTestId('kiosk-add-form').getByRole('button').click();
      const qr = page.getByTestId('pairing-qr');
      await qr.waitFor();
      await page.getByTestId('pairing-download').waitFor(); // the file beside it
      // Shown at its own size (whole pixels a module), all of it on the screen.
      await qr.scrollIntoViewIfNeeded();
      const m = await qr.evaluate((img) => {
        const r = img.getBoundingClientRect();
        return { natural: img.naturalWidth, w: r.width, h: r.height, top: r.top, left: r.left, bottom: r.bottom, right: r.right };
      });
      assert.equal(m.natural, 640, JSON.stringify(m));
      assert.equal(m.w, 640, `the QR is not scaled: ${JSON.stringify(m)}`);
      assert.ok(m.top >= 0 && m.bottom <= 800 && m.left >= 0 && m.right <= 1280, `the whole QR is on the 1280×800 screen: ${JSON.stringify(m)}`);
      // The screen as the kiosk's webcam sees it.
      const screen = await page.screenshot({ path: path.join(shots, 'kiosk-pair-qr-console.png') });
      fs.writeFileSync(path.join(cameraDir, '2-console-screen.png'), screen);

      // At the kiosk: Sync → Scan QR code.
      page = kioskPage;
      await openSync(page);
      await page.getByTestId('kiosk-sync-unpaired').waitFor();
      await page.getByTestId('kiosk-sync-scan').click();
      await page.getByTestId('kiosk-sync-scanning').waitFor();
      await page.getByTestId('kiosk-sync-scanning').getByTestId('camera-preview').waitFor();
      await assertSyncViewFits(page);
      await page.screenshot({ path: path.join(shots, 'kiosk-pair-qr-scanning.png') });
      // The admin holds the console's screen up to the camera.
      assert.equal((await kioskAPI('POST', '/api/kiosk/test-camera', { file: '2-console-screen.png' })).status, 200);
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Parkopplad som Bygget Norr med Bygg & Söner AB' }).waitFor();
      await page.getByTestId('kiosk-sync-who').filter({ hasText: 'Kiosk Bygget Norr på Norra länken' }).waitFor();
      await kioskAPI('POST', '/api/kiosk/test-camera', { file: '1-face.jpg' });
      await assertSyncViewFits(page);
      await page.screenshot({ path: path.join(shots, 'kiosk-pair-qr-joined.png') });

      // Until the kiosk's first bundle arrives, the admin can show the QR again.
      page = adminPage;
      await page.reload();
      await page.getByTestId('pairing-show').click();
      await page.getByTestId('pairing-qr').waitFor();
      const id = (await (await page.request.get('/api/sync/kiosks')).json()).items[0].id;
      assert.equal((await page.request.get(`/api/sync/kiosks/${id}/pairing/qr`)).status(), 200);

      // The kiosk's first bundle (exported from its Sync view) imported at the console.
      page = kioskPage;
      await page.getByTestId('kiosk-sync-export').click();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Sparade 0 registreringar' }).waitFor();
      const bundle = path.join(kiosk.dataDir, 'data', 'sync-files', 'id06desk-Bygget-Norr-bundle-1.id06sync');
      page = adminPage;
      await page.getByTestId('bundle-file').setInputFiles(bundle);
      await page.getByTestId('import-result').waitFor();
      // The QR holds the one-time secret: off the screen, refused by the API.
      await page.getByTestId('kiosk-paired').waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('pairing-show').count(), 0);
      const gone = await page.request.get(`/api/sync/kiosks/${id}/pairing/qr`);
      assert.equal(gone.status(), 409);
      assert.equal((await gone.json()).error.details.reason, 'sync.kiosk_joined');
    } catch (e) {
      await keepFailure(page, 'kiosk-pair-qr', e);
    }
  });

  test('Unpair at the kiosk after confirming; then it can pair again', async () => {
    const page = kioskPage;
    try {
      await page.getByTestId('kiosk-sync-leave').click();
      const confirm = page.getByTestId('kiosk-sync-leave-confirm');
      await confirm.waitFor();
      assert.match(await confirm.textContent(), /Koppla bort kiosken från Bygg & Söner AB\?/);
      assert.equal(await page.getByTestId('kiosk-sync-leave-pending').count(), 0, 'nothing is pending: no warning');
      await assertSyncViewFits(page);
      await page.getByTestId('kiosk-sync-leave-confirm-button').click();
      await page.getByTestId('kiosk-sync-unpaired').waitFor();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'bortkopplad från Bygg & Söner AB' }).waitFor();
      await assertSyncViewFits(page);
      await page.screenshot({ path: path.join(shots, 'kiosk-pair-qr-unpaired.png') });
      const status = JSON.parse(cli(kiosk.dataDir, ['sync', 'status', '--json']));
      // An unpaired data folder answers as a console does.
      assert.notEqual(status.role, 'kiosk', JSON.stringify(status));
      assert.ok(!fs.existsSync(path.join(kiosk.dataDir, 'config', 'sync', 'kiosk.keys')), 'the kiosk keys are removed');
    } catch (e) {
      await keepFailure(page, 'kiosk-pair-qr-unpair', e);
    }
  });
});
