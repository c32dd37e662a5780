// End-to-end test of the kiosk's admin view for offline sync (issue 13)
// against the real binary in `--kiosk serve` mode: the PIN opens "Sync
// with the office"; a damaged pairing file is refused with its sentence; the
// pairing file (testdata/kiosk-sync.id06pair, written once by a console)
// pairs the kiosk; the status shows; the bundle is exported into the
// offered folder (0600), and the CLI sees the export. The view fits the
// kiosk's 1280×800 screen without scrolling, unpaired and paired.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cli, startBackend } from './backend.mjs';
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, waitForHash, keepFailure } from './support.mjs';

const PIN = '2468';
const PAIRING = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'kiosk-sync.id06pair');

let kiosk;
let cookie;
let browser;
let cameraDir;
const problems = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  cameraDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-camera-'));
  fs.copyFileSync(FACE_PHOTO, path.join(cameraDir, '1-face.jpg')); // a picture without a QR code
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
  kiosk = await startBackend({ kiosk: true, testCamera: cameraDir, pin: PIN });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(kiosk.kioskURL);
    await waitForHash(page, /^#\/kiosk$/);
    cookie = (await context.cookies()).find((c) => c.name === 'id06desk_kiosk');
    assert.ok(cookie, 'the kiosk link sets the kiosk cookie');
  } finally {
    await context.close();
  }
});

after(async () => {
  await browser?.close().catch(() => {});
  await kiosk?.stop();
  if (cameraDir) fs.rmSync(cameraDir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
});

/** The sync view is inside the 1280×800 screen and does not scroll. */
async function assertFits(page) {
  const m = await page.getByTestId('kiosk-sync').evaluate((d) => {
    const r = d.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, scroll: d.scrollHeight - d.clientHeight, w: innerWidth, h: innerHeight };
  });
  assert.ok(m.top >= 0 && m.left >= 0 && m.bottom <= m.h && m.right <= m.w, `the sync view fits the screen: ${JSON.stringify(m)}`);
  assert.ok(m.scroll <= 1, `the sync view does not scroll: ${JSON.stringify(m)}`);
}

describe('kiosk sync admin view', () => {
  test('the PIN opens the sync view: pair by file, status, export to a folder', async () => {
    const context = await browser.newContext({ baseURL: kiosk.baseURL, viewport: { width: 1280, height: 800 }, hasTouch: true });
    await context.addCookies([cookie]);
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    try {
      await page.goto('/#/kiosk');
      const logo = page.getByTestId('kiosk-logo');
      await logo.waitFor();
      const box = await logo.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.waitForTimeout(3300);
      await page.mouse.up();
      const pad = page.getByTestId('pin-dialog');
      await pad.waitFor();
      for (const d of PIN) await pad.locator(`[data-pin-key="${d}"]`).click();
      // Three buttons under the pad: none cuts its words.
      const cut = await pad.locator('.actions button').evaluateAll((bs) => bs.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent));
      assert.deepEqual(cut, [], 'the PIN pad buttons show their whole text');
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-pin.png') });
      await page.getByTestId('pin-sync').click();

      const view = page.getByRole('dialog', { name: 'Synka med kontoret' });
      await view.waitFor();
      await page.getByTestId('kiosk-sync-unpaired').waitFor();
      await assertFits(page);

      // A damaged pairing file: refused, with the reason.
      const damaged = fs.readFileSync(PAIRING);
      damaged[damaged.length >> 1] ^= 1;
      await page.getByTestId('kiosk-sync-pair-file').setInputFiles({ name: 'damaged.id06pair', mimeType: 'application/octet-stream', buffer: damaged });
      await page.getByTestId('kiosk-sync-error').filter({ hasText: 'har ändrats eller skadats' }).waitFor();

      // The console's pairing file: paired.
      await page.getByTestId('kiosk-sync-pair-file').setInputFiles(PAIRING);
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Parkopplad som Grind A med Kontoret' }).waitFor();
      await page.getByTestId('kiosk-sync-who').filter({ hasText: 'Kiosk Grind A på Hagastaden, parkopplad med Kontoret' }).waitFor();
      assert.equal(await page.getByTestId('kiosk-sync-pending').textContent(), '0');
      assert.equal((await page.getByTestId('kiosk-sync-last-pack').textContent()).trim(), 'Inget inläst ännu');
      await assertFits(page);

      // Export into the offered folder (inside the data folder with --data-dir).
      await page.getByTestId('kiosk-sync-export').click();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Sparade 0 registreringar i id06desk-Grind-A-bundle-1.id06sync' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-paired.png') });
      const file = path.join(kiosk.dataDir, 'data', 'sync-files', 'id06desk-Grind-A-bundle-1.id06sync');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the bundle file is 0600');
      const status = JSON.parse(cli(kiosk.dataDir, ['sync', 'status', '--json']));
      assert.equal(status.role, 'kiosk');
      assert.equal(status.lastExportSeq, 1);
      assert.equal(status.kioskName, 'Grind A');

      await page.getByTestId('kiosk-sync-close').click();
      await view.waitFor({ state: 'hidden' });
      await page.getByRole('heading', { name: 'Registrera dig för ditt ID06-kort', level: 1 }).waitFor();
    } catch (e) {
      await keepFailure(page, 'kiosk-sync', e);
    } finally {
      await context.close();
    }
  });
});
