// Issue 13's loop through the UI, as the office and the site do it: two
// real instances with their own data folders, the console (`serve`, mail to
// the SMTP sink) and the kiosk (`serve --kiosk --test-camera DIR`, no SMTP,
// no route to the console: files go by hand, as on a USB stick).
//   1. The admin invites three people on Invitations, adds a kiosk on
//      Kiosks & sync and downloads its pairing file.
//   2. At the kiosk (hold the logo, PIN, Sync view): pair by choosing the
//      file, export the first bundle; the admin drops it on the page, the
//      kiosk shows as joined; its site pack is chosen at the kiosk.
//   3. Person 1 shows the QR of their invitation mail to the camera, person 2
//      types the code of theirs; both take the photo with the camera and
//      confirm; the thank-you says what happens next. Person 3 is revoked on
//      the console, the next site pack is applied, and their code is refused.
//   4. Person 1 also registers on the web (a phone) before the bundle comes.
//   5. Export at the kiosk, dropped on the console: one order applied and
//      one conflict; Orders has 2 ready, the sink 2 admin mails and 2
//      receipts; the same file again is refused with a sentence. The next
//      site pack acknowledges: the kiosk has nothing pending and its
//      database holds no personnummer.
//   6. The admin resolves the conflict (keeps the kiosk's): still one order.
//   7. The kiosk is revoked (confirm dialog): its next bundle is refused.
// Screenshots of each screen in e2e/screenshots/offline-*.png; the kiosk's
// screens fit 1280×800 without scrolling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { adminCookie, registerPersonalData, startBackend, stopAll } from './backend.mjs';
import { CHROMIUM, FACE_PHOTO, LAUNCH_ARGS, STEP_TIMEOUT, imageLoaded, keepFailure, kioskPIN, phonePhoto, shots, waitForHash, assertSyncViewFits } from './support.mjs';

const PIN = '2468';
const COMPANY = 'Platsbygget AB';
const KIOSK_NAME = 'Grind Väst';
const PEOPLE = [
  { email: 'marta.aberg@example.se', first: 'Märta', last: 'Åberg' },
  { email: 'greta.lund@example.se', first: 'Greta', last: 'Lund' },
  { email: 'siv.holm@example.se', first: 'Siv', last: 'Holm' },
];
const PNR = '19811218-9876';
const PHONE_NO = '070-123 45 67';
const FACE_FILE = 'face.jpg';

let consoleApp; // the office: serve, with the SMTP sink
let kiosk; // the site: serve --kiosk --test-camera
let browser;
let admin; // { context, page } at 1280×800, sv-SE
let site; // { context, page }: the kiosk's own screen at 1280×800
let cameraDir;
let filesDir; // the "USB stick": files carried between the two
const problems = [];
const mailOf = {}; // email → { code, qr (PNG), token }
let bundleSeq = 0;
let kioskBundle = null; // the registrations' bundle (imported once, then again)
let pairingFile; // the pairing file the admin downloaded

function watch(page, who, baseURL) {
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(baseURL()) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`${who} request outside the app: ${url}`);
  });
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, `offline-${name}.png`) });
const unfold = (m) => m.replace(/=\r?\n/g, '');
const to = (email) => new RegExp(`^To: .*${email.replace(/[.]/g, '\\.')}`, 'mi');

/** The code (text part) and the inline QR (image/png part) of the invitation mail to email. */
function invitationOf(raw) {
  const code = /Skriv in koden ([0-9A-Z]{4,5}-[0-9A-Z]{4,5})/.exec(unfold(raw))?.[1];
  const png = /^Content-Type: image\/png[^\n]*\n(?:[^\n]+\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/im.exec(raw)?.[1];
  const token = /#\/register\/(v1\.[A-Za-z0-9._~-]+)/.exec(unfold(raw))?.[1];
  assert.ok(code && png && token, `the invitation mail has a code, a QR image and a link:\n${raw.slice(0, 3000)}`);
  return { code, token, qr: Buffer.from(png.replace(/\s/g, ''), 'base64') };
}

/** The admin's order-ready mails and the cardholders' receipts in the sink. */
function orderMails() {
  const all = consoleApp.mail.messages().map(unfold);
  return {
    ready: all.filter((m) => to('e2e-sender@example.se').test(m) && /#\/orders\/[0-9a-f-]{36}/.test(m)),
    receipts: all.filter((m) => PEOPLE.some((p) => to(p.email).test(m)) && /sistec\.se/i.test(m)),
  };
}

async function waitForMails(ready, receipts) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const got = orderMails();
    if (got.ready.length >= ready && got.receipts.length >= receipts) return got;
    if (Date.now() > deadline) throw new Error(`expected ${ready} admin mails and ${receipts} receipts, have ${got.ready.length} and ${got.receipts.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves what a click downloads into the files folder. */
async function download(page, click, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(filesDir, name);
  await dl.saveAs(file);
  return file;
}

/** Chooses file in the file chooser the click opens (the kiosk's "Välj fil" labels). */
async function choose(page, click, file) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), click()]);
  await chooser.setFiles(file);
}

/** Drops file on the console's import area: a real drop event whose DataTransfer holds the file. */
async function dropOnConsole(file) {
  const { page } = admin;
  const target = page.getByTestId('bundle-drop');
  const dt = await page.evaluateHandle(
    ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const d = new DataTransfer();
      d.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      return d;
    },
    { b64: fs.readFileSync(file).toString('base64'), name: path.basename(file) },
  );
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  assert.match(await target.getAttribute('class'), /dragging/, 'the drop area shows it will take the file');
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await dt.dispose();
}

/** The console's Kiosks & sync after an import: waits for its result or its refusal; returns that element's text. */
async function importOutcome(prevResult) {
  const { page } = admin;
  await page.waitForFunction(
    (prev) => {
      const err = document.querySelector('[data-testid="import-error"]');
      const ok = document.querySelector('[data-testid="import-result"]');
      return err || (ok && ok.textContent !== prev);
    },
    prevResult ?? null,
  );
  const err = page.getByTestId('import-error');
  if ((await err.count()) > 0) return { refused: true, text: (await err.textContent()).trim() };
  return { refused: false, text: (await page.getByTestId('import-result').textContent()).trim() };
}

/** Nothing on the kiosk's screen scrolls or runs off the 1280×800 window. */
async function fitsKioskScreen(page, what) {
  const m = await page.evaluate(() => {
    const d = document.documentElement;
    const over = [...document.querySelectorAll('body *')].filter((el) => {
      const s = getComputedStyle(el);
      if (s.display === 'none' || s.visibility === 'hidden') return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1) && !el.closest('[hidden]');
    });
    return { scrollX: d.scrollWidth - d.clientWidth, scrollY: d.scrollHeight - d.clientHeight, over: over.slice(0, 5).map((el) => `${el.tagName}.${el.className} ${el.textContent.trim().slice(0, 40)}`) };
  });
  assert.ok(m.scrollX <= 0 && m.scrollY <= 0, `${what}: the kiosk screen scrolls ${JSON.stringify(m)}`);
  assert.deepEqual(m.over, [], `${what}: nothing runs off the kiosk screen`);
}

/** Opens the kiosk's Sync view with the PIN (unless it is open: the admin stays in it while the files travel); returns it. */
async function openSyncView() {
  const { page } = site;
  const open = page.getByRole('dialog', { name: 'Synka med kontoret' });
  if (await open.isVisible()) return open;
  await page.goto('/#/kiosk');
  await kioskPIN(page, PIN);
  await page.getByTestId('pin-sync').click();
  const view = page.getByRole('dialog', { name: 'Synka med kontoret' });
  await view.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="kiosk-sync-unpaired"], [data-testid="kiosk-sync-pending"]'));
  return view;
}

async function closeSyncView() {
  const { page } = site;
  await page.getByTestId('kiosk-sync-close').click();
  await page.getByRole('dialog', { name: 'Synka med kontoret' }).waitFor({ state: 'hidden' });
}

/** At the kiosk (Sync view open): Export; returns the bundle file. */
async function exportAtKiosk(count) {
  const { page } = site;
  await page.getByTestId('kiosk-sync-export').click();
  bundleSeq++;
  const message = page.getByTestId('kiosk-sync-message');
  await message.filter({ hasText: /^Sparade/ }).waitFor();
  const text = await message.textContent();
  const name = /i (\S+\.id06sync)\./.exec(text)?.[1];
  assert.ok(name, `the export names its file: ${text}`);
  // The kiosk's name in the file: Grind Väst → Grind-Vast, not Grind-Vst.
  assert.equal(name, `id06desk-Grind-Vast-bundle-${bundleSeq}.id06sync`);
  const file = path.join(kiosk.dataDir, 'data', 'sync-files', name);
  assert.ok(fs.existsSync(file), `the bundle is at ${file}`);
  assert.equal(Number(await page.getByTestId('kiosk-sync-pending').textContent()), count, 'the pending count after the export');
  const carried = path.join(filesDir, name);
  fs.copyFileSync(file, carried);
  return { file: carried, text };
}

/** On the console: Kiosks & sync → the kiosk's site pack, then at the kiosk: "Välj platspaket". Returns the kiosk's message. */
async function carrySitePack(n) {
  await admin.page.goto('/#/kiosks');
  const row = admin.page.getByTestId('kiosk-row').filter({ hasText: KIOSK_NAME });
  const pack = await download(admin.page, () => row.getByTestId('sitepack-download').click(), `sitepack-${n}.id06sync`);
  await openSyncView();
  const { page } = site;
  await choose(page, () => page.getByText('Välj platspaket', { exact: true }).click(), pack);
  const message = page.getByTestId('kiosk-sync-message');
  await message.filter({ hasText: /^Platspaket \d+ inläst/ }).waitFor();
  return (await message.textContent()).trim();
}

/** Plays one picture of the camera folder at the kiosk. */
async function showToCamera(file) {
  const res = await site.page.request.post('/api/kiosk/test-camera', { data: { file } });
  assert.equal(res.status(), 200, `test camera: ${await res.text()}`);
}

/** From the method choice to the thank-you, at the kiosk: typed data, the camera's photo, Confirm. */
async function registerAtKiosk(person, who) {
  const { page } = site;
  await page.getByRole('button', { name: 'Registrera manuellt' }).click();
  await waitForHash(page, /step=personal/);
  await page.getByRole('heading', { name: 'Personuppgifter', level: 1 }).waitFor();
  await page.getByLabel('Förnamn', { exact: true }).fill(person.first);
  await page.getByLabel('Efternamn', { exact: true }).fill(person.last);
  await page.getByLabel('Personnummer eller samordningsnummer', { exact: true }).fill(PNR);
  await page.getByLabel('Mobilnummer', { exact: true }).fill(PHONE_NO);
  await shot(page, `kiosk-${who}-personal`);
  await page.getByRole('button', { name: 'Nästa', exact: true }).click();
  await waitForHash(page, /step=photo/);
  await page.getByRole('heading', { name: 'Foto', level: 1 }).waitFor();
  await imageLoaded(page, 'camera-preview');
  await page.getByTestId('take-photo').click();
  await imageLoaded(page, 'final-photo');
  const check = page.getByTestId('photo-check');
  await check.waitFor();
  assert.equal(await check.locator('li.blocking').count(), 0, `no blocking problem: ${await check.textContent()}`);
  await fitsKioskScreen(page, `${who}: the photo`);
  await shot(page, `kiosk-${who}-photo`);
  await page.getByRole('button', { name: 'Använd det här fotot' }).click();
  await waitForHash(page, /step=delivery/);
  await page.getByRole('heading', { name: 'Leverans', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Nästa', exact: true }).click();
  await waitForHash(page, /step=review/);
  await page.getByRole('heading', { name: 'Granska och bekräfta', level: 1 }).waitFor();
  assert.match(await page.getByTestId('review-personal').textContent(), new RegExp(`${person.first} ${person.last}`));
  await imageLoaded(page, 'review-photo');
  await shot(page, `kiosk-${who}-review`);
  await page.getByTestId('confirm').click();
  const done = page.getByTestId('register-done');
  await done.waitFor();
  // What happens next: sealed, travels with the next sync, only the company reads it.
  await page.getByTestId('sealed-step').filter({ hasText: 'Registreringen åker till kontoret vid nästa synkning' }).waitFor();
  assert.match(await done.textContent(), new RegExp(`förseglade så att bara ${COMPANY} kan läsa dem`));
  await fitsKioskScreen(page, `${who}: the thank-you`);
  await shot(page, `kiosk-${who}-done`);
  await page.getByTestId('done-finish').click();
  await waitForHash(page, /^#\/kiosk$/);
  const html = await page.evaluate(() => document.body.innerHTML);
  for (const s of [person.first, person.last, '19811218']) assert.ok(!html.includes(s), `"${s}" is gone from the kiosk's screen`);
}

before(async () => {
  if (!fs.existsSync(FACE_PHOTO)) throw new Error(`The face photo is missing: ${FACE_PHOTO} (make pigo-assets)`);
  fs.mkdirSync(shots, { recursive: true });
  registerPersonalData(...PEOPLE.flatMap((p) => [p.email, p.first, p.last]));
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-usb-'));
  cameraDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-camera-'));
  // The two instances start while Chromium starts and draws the camera's
  // picture (the camera plays the plain sample until then).
  fs.copyFileSync(FACE_PHOTO, path.join(cameraDir, '0-still.jpg'));
  const started = Promise.allSettled([
    startBackend({
      smtp: true,
      settings: {
        'company.name': COMPANY,
        'company.org_number': '556036-0793',
        'company.address.street': 'Byggvägen 5',
        'company.address.postal_code': '411 01',
        'company.address.city': 'Göteborg',
        'company.address.country': 'SE',
      },
    }),
    startBackend({ kiosk: true, testCamera: cameraDir, pin: PIN, settings: { 'kiosk.idle_seconds': '600' } }),
  ]).then(([c, k]) => {
    consoleApp = c.value;
    kiosk = k.value;
    if (c.status === 'rejected' || k.status === 'rejected') throw c.reason ?? k.reason;
  });
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
    // The camera's face: pigo's passport sample enlarged on grey, 1920×1080.
    const draw = await browser.newPage();
    const face = await draw.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/jpeg;base64,' + b64;
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
    }, fs.readFileSync(FACE_PHOTO).toString('base64'));
    await draw.close();
    fs.writeFileSync(path.join(cameraDir, FACE_FILE), Buffer.from(face, 'base64'));
  } finally {
    await started; // after() stops whatever started
  }

  const cookie = await adminCookie(consoleApp.baseURL);
  const ac = await browser.newContext({ baseURL: consoleApp.baseURL, viewport: { width: 1280, height: 800 }, locale: 'sv-SE', acceptDownloads: true });
  ac.setDefaultTimeout(STEP_TIMEOUT);
  const [name, value] = cookie.split('=');
  await ac.addCookies([{ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);
  admin = { context: ac, page: await ac.newPage() };
  watch(admin.page, 'console', () => consoleApp.baseURL);

  // The kiosk PC's browser opens the one-time link: it is the kiosk's screen.
  const kc = await browser.newContext({ baseURL: kiosk.baseURL, viewport: { width: 1280, height: 800 }, hasTouch: true, locale: 'sv-SE' });
  kc.setDefaultTimeout(STEP_TIMEOUT);
  site = { context: kc, page: await kc.newPage() };
  watch(site.page, 'kiosk', () => kiosk.baseURL);
  await site.page.goto(kiosk.kioskURL);
  await waitForHash(site.page, /^#\/kiosk$/);
  await showToCamera(FACE_FILE);
});

after(async () => {
  await browser?.close().catch(() => {});
  try {
    await stopAll(consoleApp, kiosk);
  } finally {
    for (const dir of [cameraDir, filesDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(problems, []);
});

describe('an offline site, through the UI', () => {
  test('1. the admin invites three people and adds a kiosk', async () => {
    const { page } = admin;
    try {
      await page.goto('/#/invitations/new');
      await page.getByLabel('Klistra in många adresser').fill(PEOPLE.map((p) => p.email).join('\n'));
      await page.getByRole('button', { name: 'Lägg till adresserna' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="new-row"]').length === 3);
      await page.getByText('Alla rader ser bra ut.').waitFor();
      await shot(page, 'console-invite');
      await page.getByRole('button', { name: 'Skicka inbjudningar' }).click();
      await page.getByTestId('send-outcome').filter({ hasText: '3 inbjudningar har lagts i kö' }).waitFor();
      const mails = await consoleApp.mail.waitFor(3);
      for (const p of PEOPLE) {
        const m = mails.find((x) => to(p.email).test(unfold(x)));
        assert.ok(m, `an invitation mail to ${p.email}`);
        mailOf[p.email] = invitationOf(m);
        registerPersonalData(mailOf[p.email].code, mailOf[p.email].token);
      }

      await page.goto('/#/kiosks');
      await page.getByTestId('kiosk-add').click();
      await page.getByLabel('Namn').fill(KIOSK_NAME);
      await page.getByLabel('Plats (valfri)').fill('Kvarteret Vågen');
      await page.getByTestId('kiosk-add-form').getByRole('button').click();
      await page.getByTestId('kiosk-paired').waitFor();
      await shot(page, 'console-pairing');
      pairingFile = await download(page, () => page.getByTestId('pairing-download').click(), 'pairing.id06sync');
      // The file names its kiosk with its letters (Väst → Vast).
      await page.getByTestId('kiosk-downloaded').filter({ hasText: 'id06desk-pairing-Grind-Vast.id06sync' }).waitFor();
      assert.match(await page.getByTestId('kiosk-state').textContent(), /Väntar på första paketet/);
    } catch (e) {
      await keepFailure(page, 'offline-1', e);
    }
  });

  test('2. the kiosk pairs by file; its first bundle dropped on the console; the site pack chosen at the kiosk', async () => {
    const { page } = site;
    try {
      await openSyncView();
      await page.getByTestId('kiosk-sync-unpaired').waitFor();
      await assertSyncViewFits(page);
      await shot(page, 'kiosk-sync-unpaired');
      await choose(page, () => page.getByText('Välj fil', { exact: true }).click(), pairingFile);
      await page.getByTestId('kiosk-sync-message').filter({ hasText: `Parkopplad som ${KIOSK_NAME} med ${COMPANY}` }).waitFor();
      await page.getByTestId('kiosk-sync-who').filter({ hasText: 'Kvarteret Vågen' }).waitFor();
      const first = await exportAtKiosk(0);
      await assertSyncViewFits(page);
      await shot(page, 'kiosk-sync-first-export');
      // The admin stays in the Sync view while the file goes to the office and the site pack comes back.

      await admin.page.goto('/#/kiosks');
      await dropOnConsole(first.file);
      const r = await importOutcome();
      assert.equal(r.refused, false, r.text);
      assert.match(r.text, new RegExp(`Paket nr 1 från ${KIOSK_NAME} togs emot\\. Det hade inga registreringar\\.`));
      await admin.page.getByTestId('kiosk-state').filter({ hasText: 'Ansluten' }).waitFor();
      await shot(admin.page, 'console-joined');

      const applied = await carrySitePack(1);
      assert.match(applied, /^Platspaket 1 inläst: 3 inbjudningar, 0 återkallade, 0 registreringar bekräftade och raderade\.$/);
      await assertSyncViewFits(page);
      await shot(page, 'kiosk-sync-pack-1');
      await closeSyncView();
    } catch (e) {
      await keepFailure(page, 'offline-2', e);
    }
  });

  test('3. at the kiosk: the QR of one mail, the code of another; the revoked third code is refused', async () => {
    const { page } = site;
    try {
      // Person 1 holds up the invitation mail's QR code (drawn on a sheet of paper).
      const qr = await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + b64;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = 1920;
        c.height = 1080;
        const g = c.getContext('2d');
        g.fillStyle = '#6b7280';
        g.fillRect(0, 0, c.width, c.height);
        g.fillStyle = '#fff';
        g.fillRect(500, 60, 920, 960);
        g.imageSmoothingEnabled = false;
        g.drawImage(img, 560, 140, 800, 800);
        return c.toDataURL('image/png').split(',')[1];
      }, mailOf[PEOPLE[0].email].qr.toString('base64'));
      fs.writeFileSync(path.join(cameraDir, 'qr-1.png'), Buffer.from(qr, 'base64'));
      await page.goto('/#/kiosk');
      await page.getByRole('heading', { name: 'Registrera dig för ditt ID06-kort', level: 1 }).waitFor();
      await fitsKioskScreen(page, 'the start screen');
      await shot(page, 'kiosk-start');
      await showToCamera('qr-1.png');
      await waitForHash(page, /^#\/register\/v1\./);
      const summary = page.getByTestId('invitation-summary');
      await summary.waitFor();
      assert.match(await summary.textContent(), new RegExp(COMPANY));
      await showToCamera(FACE_FILE);
      await fitsKioskScreen(page, 'person 1: the method');
      await shot(page, 'kiosk-p1-method');
      await registerAtKiosk(PEOPLE[0], 'p1');

      // Person 2 types the code from the mail.
      await page.getByRole('link', { name: 'Skriv in din kod' }).click();
      await waitForHash(page, /^#\/register$/);
      await page.getByLabel('Inbjudningskod').fill(mailOf[PEOPLE[1].email].code);
      await shot(page, 'kiosk-p2-code');
      await page.getByRole('button', { name: 'Fortsätt' }).click();
      await waitForHash(page, /^#\/register\/v1\./);
      await page.getByTestId('invitation-summary').waitFor();
      await registerAtKiosk(PEOPLE[1], 'p2');

      // Person 3 is revoked on the console (Invitations → the invitation → Återkalla).
      const ap = admin.page;
      await ap.goto('/#/invitations');
      await ap.getByRole('link', { name: PEOPLE[2].email }).click();
      await ap.getByRole('heading', { name: PEOPLE[2].email, level: 1 }).waitFor();
      await ap.getByRole('button', { name: 'Återkalla' }).click();
      const dialog = ap.getByRole('dialog', { name: 'Återkalla inbjudan?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Återkalla' }).click();
      await ap.locator('[data-testid="detail-status"] [data-status="revoked"]').waitFor();
      await shot(ap, 'console-revoked-invitation');

      const applied = await carrySitePack(2);
      // One revoked: "1 återkallad", not "1 återkallade".
      assert.match(applied, /^Platspaket 2 inläst: \d+ inbjudningar?, 1 återkallad, 0 registreringar bekräftade och raderade\.$/);
      await assertSyncViewFits(page);
      await shot(page, 'kiosk-sync-pack-2');
      assert.equal(await page.getByTestId('kiosk-sync-pending').textContent(), '2');
      await closeSyncView();

      await page.getByRole('link', { name: 'Skriv in din kod' }).click();
      await page.getByLabel('Inbjudningskod').fill(mailOf[PEOPLE[2].email].code);
      await page.getByRole('button', { name: 'Fortsätt' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: /\S/ });
      await refusal.first().waitFor();
      const said = (await refusal.first().textContent()).trim();
      assert.match(said, /återkalla|dragits tillbaka/i, `the revoked code is refused with a sentence: ${said}`);
      assert.match(said, /\.$/, `a sentence: ${said}`);
      await fitsKioskScreen(page, 'the refused code');
      await shot(page, 'kiosk-p3-refused');
    } catch (e) {
      await keepFailure(page, 'offline-3', e);
    }
  });

  test('4. person 1 also registers on the web, on a phone, before the bundle comes', async () => {
    const context = await browser.newContext({ baseURL: consoleApp.baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'sv-SE' });
    context.setDefaultTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    watch(page, 'phone', () => consoleApp.baseURL);
    const p = PEOPLE[0];
    try {
      await page.goto(`/#/register/${mailOf[p.email].token}`);
      await page.getByRole('button', { name: 'Registrera manuellt' }).click();
      await waitForHash(page, /step=personal/);
      await page.getByLabel('Förnamn', { exact: true }).fill(p.first);
      await page.getByLabel('Efternamn', { exact: true }).fill(p.last);
      await page.getByLabel('Personnummer eller samordningsnummer', { exact: true }).fill(PNR);
      await page.getByLabel('Mobilnummer', { exact: true }).fill(PHONE_NO);
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=photo/);
      await page.getByTestId('photo-input').setInputFiles({ name: 'marta.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto(page) });
      await page.getByTestId('crop-frame').waitFor();
      await page.getByRole('button', { name: 'Använd den här beskärningen' }).click();
      await imageLoaded(page, 'final-photo');
      await page.getByTestId('photo-check').waitFor();
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=delivery/);
      await page.getByRole('button', { name: 'Nästa' }).click();
      await waitForHash(page, /step=review/);
      await page.getByTestId('confirm').click();
      await page.getByTestId('register-done').waitFor();
      await page.screenshot({ path: path.join(shots, 'offline-phone-done.png'), fullPage: true });
      await waitForMails(1, 1);
    } catch (e) {
      await keepFailure(page, 'offline-4', e);
    } finally {
      await context.close();
    }
  });

  test('5. export at the kiosk, dropped on the console: 2 ready orders, 2 admin mails, 2 receipts; again refused', async () => {
    const page = admin.page;
    try {
      await openSyncView();
      kioskBundle = await exportAtKiosk(2);
      assert.match(kioskBundle.text, /^Sparade 2 registreringar/);
      await assertSyncViewFits(site.page);
      await shot(site.page, 'kiosk-sync-export');

      await page.goto('/#/kiosks');
      await dropOnConsole(kioskBundle.file);
      const r = await importOutcome();
      assert.equal(r.refused, false, r.text);
      assert.match(r.text, new RegExp(`Paket nr 2 från ${KIOSK_NAME}`));
      assert.equal((await page.getByTestId('import-applied').textContent()).replace(/\s+/g, ' ').trim(), '1 ny beställning');
      assert.match(await page.getByTestId('import-conflicts').textContent(), /1/);
      await page.getByTestId('conflict').first().waitFor();
      await shot(page, 'console-import');

      // Orders: two ready (person 1 from the web, person 2 from the kiosk).
      await page.goto('/#/orders');
      await page.getByRole('heading', { name: 'Beställningar', level: 1 }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length === 2);
      assert.match(await page.getByRole('button', { name: /^Klar att beställa/ }).textContent(), /2/);
      const rows = await page.getByTestId('order-row').allTextContents();
      assert.ok(rows.some((t) => t.includes('Greta Lund') && /Kiosk/.test(t)), `Greta's order was registered at the kiosk: ${rows.join(' | ')}`);
      await shot(page, 'console-orders');
      const mails = await waitForMails(2, 2);
      assert.equal(mails.ready.length, 2);
      assert.equal(mails.receipts.length, 2);

      // The same file again: refused with a sentence, nothing new.
      await page.goto('/#/kiosks');
      await dropOnConsole(kioskBundle.file);
      const again = await importOutcome();
      assert.equal(again.refused, true, again.text);
      // Why, not only "Filen togs inte emot.": the server's sentence, in Swedish.
      assert.match(again.text, new RegExp(`^Paket nummer 2 från kiosken ${KIOSK_NAME} importerades redan .*Inget har ändrats\\.$`));
      await shot(page, 'console-import-again');
      await page.goto('/#/orders');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length >= 1);
      assert.equal(await page.getByTestId('order-row').count(), 2);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(
        Object.values(orderMails()).map((l) => l.length),
        [2, 2],
        'no new mails after the refused file',
      );

      // The next site pack acknowledges: nothing pending at the kiosk, no personnummer in its database.
      const applied = await carrySitePack(3);
      assert.match(applied, /, 2 registreringar bekräftade och raderade\.$/);
      assert.equal(await site.page.getByTestId('kiosk-sync-pending').textContent(), '0');
      // Just applied: "(nyss)", not "(0 minuter sedan)".
      assert.match((await site.page.getByTestId('kiosk-sync-last-pack').textContent()).trim(), /^Nummer 3, inläst .+ \(nyss\)$/);
      await shot(site.page, 'kiosk-sync-pack-3');
      for (const suffix of ['', '-wal', '-shm']) {
        const file = path.join(kiosk.dataDir, 'data', 'id06desk.db' + suffix);
        if (!fs.existsSync(file)) continue;
        const bytes = fs.readFileSync(file);
        for (const s of ['198112189876', '8112189876', PNR, 'Greta', 'Åberg']) assert.ok(!bytes.includes(s), `${s} is not in the kiosk's id06desk.db${suffix}`);
      }
    } catch (e) {
      await keepFailure(page, 'offline-5', e);
    }
  });

  test('6. the admin resolves the conflict: one order for person 1', async () => {
    const page = admin.page;
    try {
      await page.goto('/#/kiosks');
      const conflict = page.getByTestId('conflict');
      await conflict.first().waitFor();
      assert.match(await conflict.textContent(), new RegExp(`Kiosken ${KIOSK_NAME} registrerade`));
      await conflict.getByRole('button', { name: 'Använd kioskens' }).click();
      await page.getByText('Konflikten är löst.').waitFor();
      await conflict.first().waitFor({ state: 'detached' });
      await shot(page, 'console-conflict-resolved');
      await page.goto('/#/orders');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-row"]').length >= 1);
      const rows = await page.getByTestId('order-row').allTextContents();
      assert.equal(rows.length, 2, rows.join(' | '));
      const marta = rows.filter((t) => t.includes('Märta Åberg'));
      assert.equal(marta.length, 1, `one order for person 1: ${rows.join(' | ')}`);
      // The kiosk's registration was kept: the order says where it was registered.
      assert.match(marta[0], new RegExp(`Kiosk ${KIOSK_NAME}`), marta[0]);
    } catch (e) {
      await keepFailure(page, 'offline-6', e);
    }
  });

  test('7. the kiosk is revoked: its next bundle is refused, visibly', async () => {
    const page = admin.page;
    try {
      await page.goto('/#/kiosks');
      const row = page.getByTestId('kiosk-row').filter({ hasText: KIOSK_NAME });
      await row.getByTestId('kiosk-revoke').click();
      const dialog = page.getByTestId('revoke-dialog');
      await dialog.waitFor();
      await shot(page, 'console-revoke-dialog');
      await dialog.getByRole('button', { name: 'Återkalla' }).click();
      await row.getByTestId('kiosk-state').filter({ hasText: 'Återkallad' }).waitFor();

      await openSyncView();
      const last = await exportAtKiosk(0);
      await closeSyncView();
      await dropOnConsole(last.file);
      const r = await importOutcome();
      assert.equal(r.refused, true, r.text);
      assert.match(r.text, new RegExp(`^Kiosken ${KIOSK_NAME} har fått sin parkoppling återkallad .*; dess filer tas inte emot\\.$`));
      await page.getByTestId('refusal').first().waitFor();
      await shot(page, 'console-revoked-refused');
      const listed = await page.getByTestId('refusal').allTextContents();
      assert.ok(listed.some((t) => t.includes(KIOSK_NAME)), `the refusal is listed with the kiosk: ${listed.join(' | ')}`);
    } catch (e) {
      await keepFailure(page, 'offline-7', e);
    }
  });
});
