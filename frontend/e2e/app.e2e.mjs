// End-to-end tests: the real id06desk binary serving the built UI, driven in
// Debian's Chromium through playwright-core (no browser download).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD, loginAsAdmin, startBackend } from './backend.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;

let backend;
let browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** A fresh context (no cookies, no stored language) and page. */
async function newPage() {
  const context = await browser.newContext({
    baseURL: backend.baseURL,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  return { context, page, problems };
}

async function waitForHash(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source, {
    timeout: STEP_TIMEOUT,
  });
}

describe('admin console (serve mode)', () => {
  test('login, navigation and About', async () => {
    const { context, page, problems } = await newPage();
    try {
      await page.goto('/#/invitations');
      await waitForHash(page, /^#\/login\?next=%2Finvitations$/);
      const password = page.getByLabel('Lösenord');
      await password.waitFor();
      assert.equal(await page.getByRole('navigation').count(), 0, 'no admin nav before login');

      await password.fill('wrong-password');
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Fel lösenord' }).waitFor();

      await password.fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Logga in' }).click();
      await waitForHash(page, /^#\/invitations$/);
      const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
      await nav.waitFor();
      const current = nav.locator('a[aria-current="page"]');
      assert.equal((await current.textContent()).trim(), 'Inbjudningar');
      await page.getByRole('heading', { name: 'Inga inbjudningar ännu' }).waitFor();
      await page.getByRole('button', { name: 'Logga ut' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'admin-shell.png') });

      await nav.getByRole('link', { name: 'Inställningar' }).click();
      await waitForHash(page, /^#\/settings$/);
      // About is the last tab of Settings.
      await page.getByRole('navigation', { name: 'Delar av inställningarna' }).getByRole('link', { name: 'Om' }).click();
      await waitForHash(page, /^#\/settings\?tab=about$/);
      const versionEl = page.getByTestId('about-version');
      await versionEl.waitFor();
      const res = await page.request.get('/api/health', { timeout: STEP_TIMEOUT });
      const health = await res.json();
      assert.equal((await versionEl.textContent()).trim(), health.version);
      assert.equal(health.database.ok, true);
      assert.match(await page.getByTestId('about-database').textContent(), /OK/);
      assert.equal((await page.getByTestId('about-data-dir').textContent()).trim(), health.dataDir);
      // The App's background jobs, named in Swedish, each with its last run.
      await page.getByTestId('about-jobs').waitFor();
      assert.match(await page.getByTestId('about-job-housekeeping').textContent(), /Städning/);
      assert.match(await page.getByTestId('about-job-outbox').textContent(), /Utkorgen/);
      assert.match(await page.getByTestId('about-job-nexus_files').textContent(), /Nexus/);
      assert.match(await page.getByTestId('about-job-kiosk_pairing').textContent(), /parkoppling/);
      assert.match(await page.getByTestId('about-job-sync_mail').textContent(), /Synk via e-post/);
      assert.match(await page.getByTestId('about-job-backup').textContent(), /Säkerhetskopiering/);
      const jobs = (await (await page.request.get('/api/jobs', { timeout: STEP_TIMEOUT })).json()).jobs;
      assert.deepEqual(jobs.map((j) => j.name), ['backup', 'housekeeping', 'kiosk_pairing', 'nexus_files', 'outbox', 'sync_mail']);
      assert.ok(jobs.every((j) => j.lastRun), JSON.stringify(jobs));

      // Signing keys: one at first; rotating (after confirming) adds one
      // and makes it the signing key.
      const keys = page.getByTestId('keys');
      await keys.waitFor();
      assert.equal(await keys.locator('li').count(), 1);
      await page.getByRole('button', { name: 'Byt signeringsnyckel' }).click();
      await page.getByRole('dialog', { name: 'Byta signeringsnyckel?' }).getByRole('button', { name: 'Byt signeringsnyckel' }).click();
      await page.getByTestId('keys-rotated').waitFor();
      assert.equal(await keys.locator('li').count(), 2);
      const listed = await (await page.request.get('/api/keys', { timeout: STEP_TIMEOUT })).json();
      assert.match(await page.getByTestId('keys-rotated').textContent(), new RegExp(listed.active));

      // English switch, then log out back to the login page.
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'About id06desk' }).waitFor();
      await page.getByRole('button', { name: 'Log out' }).click();
      await waitForHash(page, /^#\/login\?next=%2Fsettings%3Ftab%3Dabout$/);
      await page.getByLabel('Password').waitFor();

      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('kiosk and registration', () => {
  test('kiosk start screen without admin navigation; language switch', async () => {
    const { context, page, problems } = await newPage();
    try {
      await page.goto('/#/kiosk');
      await page.getByRole('heading', { name: 'Registrera dig för ditt ID06-kort' }).waitFor();
      // Not the kiosk PC: the camera is not offered here, only the code.
      await page.getByTestId('camera-placeholder').filter({ hasText: 'Kameran används bara på kiosken' }).waitFor();
      assert.equal(await page.getByTestId('camera-preview').count(), 0);
      assert.equal(await page.getByRole('navigation').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Logga ut' }).count(), 0);
      const typeCode = page.getByRole('link', { name: 'Skriv in din kod' });
      const box = await typeCode.boundingBox();
      assert.ok(box && box.height >= 64, `touch target is ${box?.height}px high`);
      await page.screenshot({ path: path.join(shots, 'kiosk-start.png') });

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Register for your ID06 card' }).waitFor();
      await page.getByText('Show the QR code from your invitation to the camera').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');

      // The choice is remembered.
      await page.reload();
      await page.getByRole('heading', { name: 'Register for your ID06 card' }).waitFor();

      await page.getByRole('link', { name: 'Type your code' }).click();
      await waitForHash(page, /^#\/register$/);
      await page.getByLabel('Invitation code').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('code entry validates the code', async () => {
    const { context, page, problems } = await newPage();
    try {
      await page.goto('/#/register');
      const input = page.getByLabel('Inbjudningskod');
      await input.waitFor();
      const submit = page.getByRole('button', { name: 'Fortsätt' });

      await input.fill('abc');
      assert.equal(await input.inputValue(), 'ABC', 'typed code is upper-cased');
      await submit.click();
      await page.getByRole('alert').filter({ hasText: 'Koden är för kort' }).waitFor();

      await input.fill('ABCD0EFG');
      await page.getByRole('alert').filter({ hasText: 'kan inte innehålla 0' }).waitFor();

      await input.fill('');
      await page.getByRole('alert').filter({ hasText: 'Skriv in koden' }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a well-formed but unknown code shows the not-found message', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto('/#/register');
      const input = page.getByLabel('Inbjudningskod');
      await input.fill('ABCDEFGH');
      await page.getByRole('button', { name: 'Fortsätt' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'Vi hittade ingen inbjudan med den koden' })
        .waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('not found', () => {
  test('unknown route shows a not-found page with a link home', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto('/#/no-such-page');
      await page.getByRole('heading', { name: 'Sidan finns inte' }).waitFor();
      await page.getByRole('link', { name: 'Till startsidan' }).click();
      // Not logged in: home leads to the login page.
      await waitForHash(page, /^#\/login/);
    } finally {
      await context.close();
    }
  });
});

describe('pages loaded on demand', () => {
  test('the console starts without the kiosk and registration code; a page that cannot load says so and reloads', async () => {
    const { context, page, problems } = await newPage();
    const scripts = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    try {
      await loginAsAdmin(page);
      await page.getByRole('heading', { name: 'Inbjudningar', level: 1 }).waitFor();
      const loaded = scripts.join(' ');
      for (const chunk of ['RegisterToken', 'Kiosk-', 'Settings']) {
        assert.ok(!loaded.includes(chunk), `the console's first page loaded ${chunk}: ${loaded}`);
      }
      // Settings' code cannot be fetched (an app replaced under an open
      // window): the page says so in Swedish and offers to reload.
      await page.route(/\/assets\/Settings-[^/]+\.js$/, (route) => route.abort());
      await page.goto('/#/settings');
      await page.getByRole('heading', { name: 'Sidan kunde inte laddas' }).waitFor();
      await page.unroute(/\/assets\/Settings-[^/]+\.js$/);
      await page.getByRole('button', { name: 'Ladda om' }).click();
      await page.getByRole('heading', { name: 'Inställningar', level: 1 }).waitFor();
      assert.ok(scripts.some((s) => s.includes('Settings')), 'the Settings chunk was loaded on demand');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a phone opening the registration page does not download the console', async () => {
    const { context, page } = await newPage();
    const scripts = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    try {
      await page.goto('/#/register');
      await page.locator('main h1').first().waitFor();
      const loaded = scripts.join(' ');
      assert.ok(loaded.includes('RegisterCode'), `the code page's chunk: ${loaded}`);
      for (const chunk of ['Invitations', 'Settings', 'OrderDetail', 'Kiosks']) {
        assert.ok(!loaded.includes(chunk), `the registration page loaded ${chunk}: ${loaded}`);
      }
    } finally {
      await context.close();
    }
  });
});
