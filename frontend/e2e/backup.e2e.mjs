// Issue 16 item 3 in the console: Settings → Backup. The admin chooses a
// folder and a passphrase, saves, presses Back up now; the last backup
// shows (time, file, size), the passphrase is never shown back, and the
// file in the folder is 0600 and age-encrypted (not readable SQLite). The
// same file restores with `id06desk restore` into a fresh data folder.
// Real binary (serve), real Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminCookie, cli, startBackend } from './backend.mjs';
import { adminBrowser, keepFailure, shots } from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
let backend;
let browser;
let context;
let page;
let folder;
const problems = [];

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-backups-'));
  backend = await startBackend({ settings: { 'company.name': 'Bygg AB' } });
  const cookie = await adminCookie(backend.baseURL);
  ({ browser, context, page } = await adminBrowser(backend.baseURL, cookie, problems));
});

after(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await backend?.stop();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

describe('Settings → Backup', () => {
  test('set folder and passphrase, Back up now: the last backup shows and an encrypted file is in the folder', async () => {
    try {
      await page.goto('/#/settings?tab=backup');
      await page.getByTestId('backup-warning').waitFor(); // no backup yet
      assert.match(await page.getByTestId('backup-warning').innerText(), /ingen säkerhetskopia/i);
      await page.getByLabel('Mapp för säkerhetskopior', { exact: true }).fill(folder);
      await page.getByLabel('Lösenfras', { exact: true }).fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Spara', exact: true }).click();
      await page.getByTestId('settings-saved').waitFor();
      assert.equal(await page.getByLabel('Lösenfras', { exact: true }).inputValue(), '', 'the passphrase is never shown back');

      await page.getByTestId('backup-now').click();
      await page.getByTestId('backup-done').waitFor();
      await page.getByTestId('backup-last').waitFor();
      assert.equal(await page.getByTestId('backup-warning').count(), 0, 'no warning after a good backup');
      const file = (await page.getByTestId('backup-last-file').innerText()).trim();
      assert.equal(path.dirname(file), folder);
      assert.match(path.basename(file), /^id06desk-backup-\d{8}-\d{6}Z\.db\.age$/);
      assert.match(await page.getByTestId('backup-last-size').innerText(), /\d+ (B|kB|MB)/);
      await page.screenshot({ path: path.join(shots, 'settings-backup.png'), fullPage: true });

      const files = fs.readdirSync(folder);
      assert.deepEqual(files, [path.basename(file)], 'one file, no temporary left');
      const st = fs.statSync(file);
      assert.equal(st.mode & 0o777, 0o600);
      const bytes = fs.readFileSync(file);
      assert.equal(bytes.subarray(0, 21).toString(), 'age-encryption.org/v1');
      assert.ok(!bytes.includes(Buffer.from('SQLite format 3')), 'not readable SQLite');
      assert.ok(!bytes.includes(Buffer.from('Bygg AB')), 'no plain text of the database');

      // The same file restores with the command line into a fresh folder.
      const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-restore-'));
      try {
        const passFile = path.join(fresh, 'pass');
        fs.writeFileSync(passFile, PASSPHRASE + '\n', { mode: 0o600 });
        const out = cli(path.join(fresh, 'D'), ['restore', file, '--passphrase-file', passFile]);
        assert.match(out, /restored|återställd/);
        assert.equal(cli(path.join(fresh, 'D'), ['settings', 'get', 'company.name']).trim(), 'Bygg AB');
      } finally {
        fs.rmSync(fresh, { recursive: true, force: true });
      }
      assert.deepEqual(problems, []);
    } catch (e) {
      await keepFailure(page, 'settings-backup', e);
    }
  });
});
