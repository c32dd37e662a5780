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
import { shots, FACE_PHOTO, CHROMIUM, STEP_TIMEOUT, LAUNCH_ARGS, waitForHash, keepFailure, kioskScreenAPI, assertSyncViewFits, kioskPIN } from './support.mjs';

const PIN = '2468';
const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const PAIRING = path.join(TESTDATA, 'kiosk-sync.id06pair');
// An invitation token signed by the same console's key (valid to 2036): the
// QR of an invitation mail the kiosk's database has never seen.
const TOKEN = fs.readFileSync(path.join(TESTDATA, 'kiosk-sync.token'), 'utf8').trim();

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

/** A call to the kiosk's API as its screen (its cookie). */
const api = (method, url, body, contentType) => kioskScreenAPI(kiosk.baseURL, cookie, method, url, body, contentType);

describe('kiosk sync admin view', () => {
  test('the PIN opens the sync view: pair by file, status, export to a folder', async () => {
    const context = await browser.newContext({ baseURL: kiosk.baseURL, viewport: { width: 1280, height: 800 }, hasTouch: true });
    await context.addCookies([cookie]);
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    try {
      await page.goto('/#/kiosk');
      const pad = await kioskPIN(page, PIN);
      // Three buttons under the pad: none cuts its words.
      const cut = await pad.locator('.actions button').evaluateAll((bs) => bs.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.textContent));
      assert.deepEqual(cut, [], 'the PIN pad buttons show their whole text');
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-pin.png') });
      await page.getByTestId('pin-sync').click();

      const view = page.getByRole('dialog', { name: 'Synka med kontoret' });
      await view.waitFor();
      await page.getByTestId('kiosk-sync-unpaired').waitFor();
      await assertSyncViewFits(page);

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
      await assertSyncViewFits(page);

      // Export into the offered folder (inside the data folder with --data-dir).
      await page.getByTestId('kiosk-sync-export').click();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Sparade 0 registreringar i id06desk-Grind-A-bundle-1.id06sync' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-paired.png') });

      // A damaged site pack: refused with its sentence, and the status keeps
      // saying so (a kiosk left alone shows why its invitations are old).
      const junk = Buffer.from(fs.readFileSync(PAIRING));
      junk[junk.length >> 1] ^= 1;
      await page.getByTestId('kiosk-sync-import-file').setInputFiles({ name: 'sitepack.id06sync', mimeType: 'application/octet-stream', buffer: junk });
      await page.getByTestId('kiosk-sync-error').filter({ hasText: /\S/ }).waitFor();
      await page.getByTestId('kiosk-sync-pack-refused').filter({ hasText: 'Ett platspaket nekades' }).waitFor();
      await assertSyncViewFits(page);

      // The Mail view: the status, the relay saved, Sync now answers.
      await page.getByTestId('kiosk-sync-view-mail').click();
      await page.getByTestId('kiosk-mail').waitFor();
      assert.equal((await page.getByTestId('kiosk-mail-sending').textContent()).trim(), 'Av');
      await page.getByTestId('kmail-smtp-host').fill('relay.bygg.se');
      await page.getByTestId('kmail-smtp-password').fill('hemligt');
      await page.getByTestId('kiosk-mail-save').click();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Sparat.' }).waitFor();
      // A relay without a sender: the status says what to fill in, not just "Av".
      assert.equal((await page.getByTestId('kiosk-mail-sending').textContent()).trim(), 'Av: fyll i Avsändare');
      // The password is never shown again: the field is empty, "(sparat)" beside it.
      assert.equal(await page.getByTestId('kmail-smtp-password').inputValue(), '');
      assert.equal(await page.getByTestId('kmail-smtp-password').getAttribute('placeholder'), '(sparat)');
      // Back and forth: the view loads again from the kiosk, the relay kept.
      await page.getByTestId('kiosk-sync-view-file').click();
      await page.getByTestId('kiosk-sync-view-mail').click();
      await page.getByTestId('kiosk-mail').waitFor();
      assert.equal(await page.getByTestId('kmail-smtp-host').inputValue(), 'relay.bygg.se');
      await page.getByTestId('kiosk-mail-now').click();
      await page.getByTestId('kiosk-sync-message').filter({ hasText: 'Klart:' }).waitFor();
      assert.notEqual((await page.getByTestId('kiosk-mail-last-round').textContent()).trim(), 'Aldrig');
      await assertSyncViewFits(page);
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-mail.png') });
      await page.getByTestId('kiosk-sync-view-file').click();
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

  test('a QR token of the console registers offline: sealed at Confirm, the thank-you says it travels with the next sync', async () => {
    const context = await browser.newContext({ baseURL: kiosk.baseURL, viewport: { width: 1280, height: 800 }, hasTouch: true });
    await context.addCookies([cookie]);
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    try {
      await page.goto('/#/kiosk');
      // The pictures: the card photo as a phone's crop (pigo's sample scaled
      // up 4×), and the invitation's QR on a sheet of paper held up to the
      // camera (1920×1080, as a webcam gives it).
      const face = fs.readFileSync(FACE_PHOTO).toString('base64');
      const qr = fs.readFileSync(path.join(TESTDATA, 'kiosk-sync-qr.png')).toString('base64');
      const pics = await page.evaluate(
        async ({ face, qr }) => {
          const load = async (src) => {
            const img = new Image();
            img.src = src;
            await img.decode();
            return img;
          };
          const img = await load(`data:image/jpeg;base64,${face}`);
          const c = document.createElement('canvas');
          c.width = img.width * 4;
          c.height = img.height * 4;
          c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
          const q = document.createElement('canvas');
          q.width = 1920;
          q.height = 1080;
          const g = q.getContext('2d');
          g.fillStyle = '#6b7280';
          g.fillRect(0, 0, q.width, q.height);
          g.fillStyle = '#fff';
          g.fillRect(500, 60, 920, 960);
          g.imageSmoothingEnabled = false;
          g.drawImage(await load(`data:image/png;base64,${qr}`), 560, 140, 800, 800);
          return { jpeg: c.toDataURL('image/jpeg', 0.9).split(',')[1], qr: q.toDataURL('image/png').split(',')[1] };
        },
        { face, qr },
      );
      const jpeg = Buffer.from(pics.jpeg, 'base64');
      fs.writeFileSync(path.join(cameraDir, '2-qr.png'), Buffer.from(pics.qr, 'base64'));
      // The QR of a mail the kiosk never saw: verified with the console's key, adopted.
      assert.equal((await api('POST', '/api/kiosk/test-camera', { file: '2-qr.png' })).status, 200);
      await waitForHash(page, /^#\/register\//);
      await api('POST', '/api/kiosk/test-camera', { file: '1-face.jpg' });
      const base = `/api/register/${encodeURIComponent(TOKEN)}`;
      let r = await api('GET', base);
      assert.equal(r.status, 200, `the console's token opens at the kiosk: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.invitation.company, 'E2E Platsbygg AB');
      assert.equal((await api('PUT', `${base}/method`, { method: 'manual' })).status, 200);
      r = await api('PUT', `${base}/personal`, { firstName: 'Märta', lastName: 'Åberg', hasPersonnummer: true, personnummer: '811218-9876', phone: '070-123 45 67' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      r = await api('POST', `${base}/photo`, jpeg, 'image/jpeg');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal((await api('PUT', `${base}/delivery`, { useCompany: true })).status, 200);

      // The steps were filled in through the API (the kiosk's own specs type
      // them): choosing the method again shows the review.
      await page.getByRole('button', { name: 'Registrera manuellt' }).click();
      await waitForHash(page, /step=review/);
      await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
      await page.getByTestId('confirm').click();
      const done = page.getByTestId('register-done');
      await done.waitFor();
      await page.getByTestId('sealed-step').filter({ hasText: 'Registreringen åker till kontoret vid nästa synkning' }).waitFor();
      // The next steps side by side: their titles start at one height.
      const tops = await page.locator('ol.next > li > strong:first-child').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
      assert.equal(tops.length, 3);
      assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, `the steps' titles start at one height: ${tops}`);
      assert.match(await done.textContent(), /förseglade så att bara E2E Platsbygg AB kan läsa dem/);
      await page.screenshot({ path: path.join(shots, 'kiosk-sync-sealed.png') });
      assert.equal(await page.getByText('E-post', { exact: true }).count(), 0, 'no empty e-mail line: the kiosk knows no address');

      // Sealed: one waiting, the token refused a second time, and the
      // personnummer nowhere in the kiosk's database files.
      const status = JSON.parse(cli(kiosk.dataDir, ['sync', 'status', '--json']));
      assert.equal(status.pending, 1);
      r = await api('GET', base);
      assert.equal(r.body?.error?.code, 'already_registered', JSON.stringify(r.body));
      for (const suffix of ['', '-wal', '-shm']) {
        const file = path.join(kiosk.dataDir, 'data', 'id06desk.db' + suffix);
        if (!fs.existsSync(file)) continue;
        assert.ok(!fs.readFileSync(file).includes('8112189876'), `the personnummer is not in id06desk.db${suffix}`);
      }
    } catch (e) {
      await keepFailure(page, 'kiosk-sync-sealed', e);
    } finally {
      await context.close();
    }
  });

  test('a kiosk with no PIN says how to set one, and the pad still fits the screen', async () => {
    const bare = await startBackend({ kiosk: true }); // no --pin: a site PC just paired
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    try {
      await page.goto(bare.kioskURL);
      await waitForHash(page, /^#\/kiosk$/);
      const pad = await kioskPIN(page, '1234');
      await page.getByTestId('pin-sync').click();
      await page.getByTestId('pin-error').filter({ hasText: 'Ingen PIN-kod är inställd. Ställ in en med kommandot ”id06desk admin pin”' }).waitFor();
      // The sentence, the pad and the buttons all on the 800 px screen, nothing to scroll.
      const m = await pad.evaluate((d) => {
        const r = d.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, scroll: d.scrollHeight - d.clientHeight, h: innerHeight };
      });
      assert.ok(m.top >= 0 && m.bottom <= m.h && m.scroll <= 1, `the PIN pad fits: ${JSON.stringify(m)}`);
      assert.ok(await page.getByTestId('pin-submit').isVisible());
      await page.screenshot({ path: path.join(shots, 'kiosk-no-pin.png') });
    } catch (e) {
      await keepFailure(page, 'kiosk-no-pin', e);
    } finally {
      await context.close();
      await bare.stop();
    }
  });
});
