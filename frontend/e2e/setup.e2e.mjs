// First run: `serve` on an empty data folder prints a one-time setup link;
// the newcomer opens it, chooses the admin password and lands in the console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBackend } from './backend.mjs';
import { CHROMIUM, LAUNCH_ARGS, STEP_TIMEOUT, keepFailure, shots, waitForHash } from './support.mjs';

const LINK_RE = /(http:\/\/127\.0\.0\.1:\d+\/#\/setup\?token=[A-Za-z0-9_-]+)/;
const PASSWORD = 'first-run password 1';

let backend;
let browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  backend = await startBackend({ adminPassword: false });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  await backend?.stop();
});

/** The setup link from serve's standard output (bounded wait). */
async function setupLink() {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = LINK_RE.exec(backend.stdout());
    if (m) return m[1];
    if (Date.now() > deadline) throw new Error(`serve printed no setup link:\n${backend.stdout()}\n${backend.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newPage() {
  const context = await browser.newContext({ baseURL: backend.baseURL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { context, page, problems };
}

describe('first run (serve on an empty data folder)', () => {
  test('serve prints a setup link; it sets the password in the browser and opens the console', async () => {
    const link = await setupLink();
    assert.ok(link.startsWith(backend.baseURL), `${link} is on ${backend.baseURL}`);
    assert.doesNotMatch(backend.stderr(), /setup\?token=/, 'the token is not logged');

    const { context, page, problems } = await newPage();
    try {
      // The login page points to the link.
      await page.goto('/#/invitations');
      await waitForHash(page, /^#\/login/);
      const notice = page.getByTestId('no-password');
      await notice.getByText('Öppna länken som id06desk serve skrev ut').waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-login-points-to-link.png') });

      // A wrong (or old) link says so and shows the other way.
      await page.goto('/#/setup?token=not-the-printed-one');
      await page.getByLabel('Nytt lösenord').fill(PASSWORD);
      await page.getByLabel('Upprepa lösenordet').fill(PASSWORD);
      await page.getByRole('button', { name: 'Spara och logga in' }).click();
      await page.getByTestId('setup-error').filter({ hasText: 'Länken gäller inte' }).waitFor();
      await page.getByText('id06desk admin password').waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-wrong-link.png') });

      await page.goto(link);
      await page.getByRole('heading', { name: 'Välj administratörslösenord' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-page-sv.png') });
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Choose the admin password' }).waitFor();
      await page.getByText('At least 10 characters.').waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-page-en.png') });
      await page.getByRole('button', { name: 'Svenska' }).click();

      // Checked before it is sent: too short, then two different entries.
      await page.getByLabel('Nytt lösenord').fill('kort');
      await page.getByRole('button', { name: 'Spara och logga in' }).click();
      await page.getByRole('alert').filter({ hasText: 'minst 10 tecken' }).waitFor();
      await page.getByLabel('Nytt lösenord').fill(PASSWORD);
      await page.getByLabel('Upprepa lösenordet').fill(PASSWORD + 'x');
      await page.getByRole('button', { name: 'Spara och logga in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Lösenorden är inte likadana' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-page-mismatch.png') });

      await page.getByLabel('Upprepa lösenordet').fill(PASSWORD);
      await page.getByRole('button', { name: 'Spara och logga in' }).click();
      await waitForHash(page, /^#\/invitations$/);
      await page.getByRole('navigation').first().waitFor();
      await page.screenshot({ path: path.join(shots, 'setup-done-console.png') });

      // Used once: the link now leads to the login, and the API refuses it.
      const again = await newPage();
      try {
        await again.page.goto(link);
        await waitForHash(again.page, /^#\/login$/);
        await again.page.getByLabel('Lösenord').fill(PASSWORD);
        await again.page.getByRole('button', { name: 'Logga in' }).click();
        await waitForHash(again.page, /^#\/invitations$/);
      } finally {
        await again.context.close();
      }
      const token = new URL(link.replace('#/setup?', '?')).searchParams.get('token');
      const res = await fetch(new URL('/api/setup', backend.baseURL), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token, password: 'someone else entirely' }),
      });
      assert.equal(res.status, 409);
      assert.equal((await res.json()).error.code, 'setup_done');
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'setup', e);
    } finally {
      await context.close();
    }
  });
});
