// Starts the real id06desk binary for the end-to-end tests:
//   $ID06DESK_BIN (default ../build/bin/id06desk-e2e relative to frontend/: the
//   app built with -tags e2e, the only build that carries the test camera)
//   1. $BIN --data-dir <tmp> admin password --stdin   (stdin: the password)
//   2. $BIN serve --addr 127.0.0.1:0 --data-dir <tmp>
// and reads the URL from the first stdout line with http://127.0.0.1:<port>/.
//
// startBackend({ smtp: true }) also starts the real go-smtp sink
// ($ID06DESK_SMTPSINK_BIN, default ../build/bin/smtpsink; built by
// `make test-e2e`), logs in and points the mail settings at it, so queued
// mails get delivered there; backend.mail.waitFor(n) reads them back.
// Without it, mails wait in the outbox.
//
// The registration kiosk: startBackend({ kiosk: true, testCamera: DIR })
// runs `$BIN --kiosk serve … --test-camera DIR` (the pictures in DIR play as
// the camera). There is no admin API in kiosk mode, so everything is set up
// with the CLI before the start: `settings` ({key: value} → settings set),
// `pin` (→ admin pin --stdin), and with smtp the mail settings. `dataDir`
// reuses a folder (e.g. one an admin backend prepared); `keepDataDir` leaves
// it in place on stop(). backend.exited resolves when the process ends.
// Only the browser that opens the one-time kiosk link `serve --kiosk`
// prints (backend.kioskURL) may use the camera: open it in a browser
// context first (the context then holds the kiosk cookie).
//
// First run: startBackend({ adminPassword: false }) sets no admin password,
// so serve prints its one-time setup link; backend.stdout() is what it
// printed so far.
//
// No personal data in the logs: stop() reads what the backend logged (its
// stderr and the log files in <dataDir>/state) once it has ended and
// throws if any personal value appears there: every one the data folder
// stores (`id06desk personal-data`: the invitations' e-mail addresses,
// names, tokens and codes, the orders' and drafts' names, personnummer,
// phone numbers), PERSONAL_DATA below (what specs type that is refused or
// never stored), and what a spec registers with registerPersonalData() or
// backend.personalData(). Each in the spellings it could be logged in
// (personalForms). Stop several backends with stopAll() so that one
// failing check does not leave the others running.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ADMIN_PASSWORD = 'e2e-secret-pass';

/** Logs in on the console's login page as the admin (Swedish UI) and waits for the invitations. */
export async function loginAsAdmin(page) {
  await page.goto('/#/login');
  await page.getByLabel('Lösenord').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForFunction(() => location.hash === '#/invitations');
}
/**
 * Personal data the specs type that the data folder may not hold (refused
 * as wrong, or typed at a kiosk, which keeps no personal data once a
 * registration is sealed).
 */
export const PERSONAL_DATA = [
  '19811218-9876', '19811218-9875', '900101-0017', '811218-9876',
  '070-123 45 67', '070-765 43 21', 'Märta', 'Åberg', 'Greta', 'Siv', 'Skärm', 'Bodil',
];
const registered = new Set(PERSONAL_DATA);

/** Registers personal values every backend's logs are checked for. */
export function registerPersonalData(...values) {
  for (const v of values) if (v) registered.add(String(v));
}

/**
 * The spellings a value may be logged in: as given; an e-mail address's
 * local part; each word of a name; digits only, the last 9 digits (070… as +4670…), a
 * personnummer without century and with or without its dash; an invitation
 * code with and without its dash.
 */
export function personalForms(value) {
  const v = String(value).trim();
  const out = new Set([v]);
  const at = v.indexOf('@');
  if (at > 0) out.add(v.slice(0, at));
  if (/^[\p{L}' -]+$/u.test(v)) for (const w of v.split(/\s+/)) out.add(w); // "Anna Berg": each name
  const digits = v.replace(/\D/g, '');
  if (digits.length >= 6 && digits.length > v.replace(/\s/g, '').length / 2) {
    out.add(digits);
    if (digits.length >= 9) out.add(digits.slice(-9));
    if (digits.length === 11 && digits.startsWith('46')) out.add(`0${digits.slice(2)}`); // +4670… as 070…
    if (digits.length === 12) {
      const short = digits.slice(2);
      out.add(short).add(`${short.slice(0, 6)}-${short.slice(6)}`).add(`${digits.slice(0, 8)}-${digits.slice(8)}`);
    }
    if (digits.length === 10) out.add(`${digits.slice(0, 6)}-${digits.slice(6)}`);
  }
  const code = v.replace(/-/g, '');
  if (/^[0-9A-Z]{10}$/.test(code)) out.add(code).add(`${code.slice(0, 5)}-${code.slice(5)}`);
  return [...out].filter((f) => f.length >= 2);
}

const escapeRE = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The personal values (and where) found in the logs: [] when none. */
export function personalDataIn(logs, values) {
  const found = [];
  for (const value of new Set(values)) {
    for (const form of personalForms(value)) {
      // Whole words only: "Bo" is a name, "Booting" is not.
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRE(form)}(?![\\p{L}\\p{N}])`, 'u');
      for (const [where, text] of Object.entries(logs)) {
        const m = re.exec(text);
        if (m) {
          const line = text.slice(text.lastIndexOf('\n', m.index) + 1, text.indexOf('\n', m.index) >>> 0 || undefined);
          found.push(`${JSON.stringify(form)} (of ${JSON.stringify(value)}) in ${where}: ${line}`);
        }
      }
    }
  }
  return found;
}

/** Reads what a stopped backend logged: its stderr and every id06desk*.log in <dataDir>/state. */
export function backendLogs(dataDir, stderr) {
  const logs = { stderr };
  const state = path.join(dataDir, 'state');
  if (fs.existsSync(state)) {
    for (const f of fs.readdirSync(state)) {
      if (/^id06desk.*\.log$/.test(f)) logs[`state/${f}`] = fs.readFileSync(path.join(state, f), 'utf8');
    }
  }
  return logs;
}

/** Throws if a stopped backend's logs hold personal data. */
export function checkLogsForPersonalData(dataDir, stderr, extra = []) {
  const stored = JSON.parse(cli(dataDir, ['personal-data']));
  const logs = backendLogs(dataDir, stderr);
  if (!Object.keys(logs).some((k) => k.startsWith('state/'))) throw new Error(`no log file in ${path.join(dataDir, 'state')}: the personal-data check read nothing`);
  const found = personalDataIn(logs, [...stored, ...registered, ...extra]);
  if (found.length > 0) throw new Error(`personal data in the logs of the backend on ${dataDir}:\n  ${found.join('\n  ')}`);
}

/** Stops every backend (and stub) given, then throws the first failure. */
export async function stopAll(...handles) {
  const results = await Promise.allSettled(handles.map((h) => h?.stop()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

const URL_RE = /http:\/\/127\.0\.0\.1:\d+\//;
const KIOSK_RE = /^Registration kiosk[^\n]*?(http:\/\/\S+\/api\/kiosk\/open\?key=\S+)\r?\n/m;
const START_TIMEOUT_MS = 20_000;

export function binaryPath() {
  const bin = process.env.ID06DESK_BIN
    ? path.resolve(process.env.ID06DESK_BIN)
    : path.resolve(frontendDir, '../build/bin/id06desk-e2e');
  if (!fs.existsSync(bin)) {
    throw new Error(
      `id06desk binary not found at ${bin}. Build it first (make build/bin/id06desk-e2e: the app with -tags e2e, which carries the test camera), or set ID06DESK_BIN to its path.`,
    );
  }
  return bin;
}

/** Runs the CLI on a data folder; returns stdout, throws with its output on failure. */
export function cli(dataDir, args, input) {
  const bin = binaryPath();
  const r = spawnSync(bin, ['--data-dir', dataDir, ...args], { input, encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`"${bin} --data-dir ${dataDir} ${args.join(' ')}" failed (status ${r.status}, ${r.error ?? ''}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export async function startBackend({
  smtp = false,
  kiosk = false,
  testCamera = null,
  dataDir: reuseDir = null,
  keepDataDir = false,
  settings = null,
  pin = null,
  adminPassword = true,
  refuseRcpt = null,
} = {}) {
  const bin = binaryPath();
  const dataDir = reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-'));
  const removeDir = () => {
    if (!reuseDir && !keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let mail = null;
  try {
    if (adminPassword) cli(dataDir, ['admin', 'password', '--stdin'], ADMIN_PASSWORD + '\n');
    const values = { ...(settings ?? {}) };
    if (smtp && kiosk) {
      // No admin API in kiosk mode: the sink first, then the CLI.
      mail = await startSink(path.join(dataDir, 'sink'), { refuse: refuseRcpt });
      Object.assign(values, { 'smtp.host': '127.0.0.1', 'smtp.port': String(mail.port), 'smtp.security': 'none', 'smtp.from': E2E_SENDER });
    }
    if (Object.keys(values).length > 0) cli(dataDir, ['settings', 'set', ...Object.entries(values).map(([k, v]) => `${k}=${v}`)]);
    if (pin) cli(dataDir, ['admin', 'pin', '--stdin'], pin + '\n');
  } catch (e) {
    await mail?.stop();
    removeDir();
    throw e;
  }

  const args = [...(kiosk ? ['--kiosk'] : []), 'serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir];
  if (testCamera) args.push('--test-camera', testCamera);
  const child = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (log += d));

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  let kioskURL = null;
  let buf = '';
  const baseURL = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no http://127.0.0.1:<port>/ line from "${bin} ${args.join(' ')}" within ${START_TIMEOUT_MS} ms.\nstdout: ${buf}\nstderr: ${log}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const m = URL_RE.exec(buf);
      const k = KIOSK_RE.exec(buf);
      // serve --kiosk prints its kiosk link on the next line: wait for it.
      if (m && (!kiosk || k)) {
        kioskURL = k ? k[1] : null;
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`"${bin} ${args.join(' ')}" exited early (code ${code}, signal ${signal}).\nstdout: ${buf}\nstderr: ${log}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });

  const personal = [];
  let stopped = false;
  async function stop() {
    await mail?.stop();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(r, 5_000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
      }
    }
    if (stopped) return;
    stopped = true;
    try {
      if (fs.existsSync(dataDir)) checkLogsForPersonalData(dataDir, log, personal);
    } finally {
      removeDir();
    }
  }

  if (smtp && !kiosk) {
    try {
      mail = await startSink(path.join(dataDir, 'sink'), { refuse: refuseRcpt });
      await configureSmtp(baseURL, mail.port);
    } catch (e) {
      await stop();
      throw e;
    }
  }

  /** Adds personal values this backend's logs are checked for. */
  const personalData = (...values) => personal.push(...values.filter(Boolean).map(String));
  return { baseURL, kioskURL, dataDir, stop, stderr: () => log, stdout: () => buf, mail, exited, personalData };
}

/**
 * Starts the recording SMTP server (internal/smtpsink/cmd/smtpsink) on
 * 127.0.0.1:0; each accepted message lands in dir as NNNNNN.eml. refuse: a
 * regular expression of recipients it refuses (550 5.1.1 <address>: …);
 * startBackend({ smtp: true, refuseRcpt }) passes it on.
 */
export async function startSink(dir, { refuse = null } = {}) {
  const bin = process.env.ID06DESK_SMTPSINK_BIN
    ? path.resolve(process.env.ID06DESK_SMTPSINK_BIN)
    : path.resolve(frontendDir, '../build/bin/smtpsink');
  if (!fs.existsSync(bin)) throw new Error(`smtpsink not found at ${bin}: run "make test-e2e", or set ID06DESK_SMTPSINK_BIN.`);
  const child = spawn(bin, ['--dir', dir, ...(refuse ? ['--refuse', refuse] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (err += d));
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`smtpsink printed no address within 10 s: ${buf} ${err}`)), 10_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /^smtp 127\.0\.0\.1:(\d+)$/m.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`smtpsink exited early (${code}): ${err}`));
    });
  });

  const messages = () =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .sort()
          .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      : [];

  return {
    port,
    messages,
    /** Waits (bounded) until at least n messages have arrived and returns them all. */
    async waitFor(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = messages();
        if (got.length >= n) return got;
        if (Date.now() > deadline) throw new Error(`expected ${n} mails in the sink, got ${got.length} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      }
    },
  };
}

export const E2E_SENDER = 'e2e-sender@example.se';

/** Logs in and returns the session cookie header (serve mode). */
export async function adminCookie(baseURL) {
  const res = await fetch(new URL('/api/login', baseURL), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password: ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login for SMTP setup failed: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('login for SMTP setup sent no cookie');
  return cookie.split(';')[0];
}

/** Points the mail settings at a local SMTP sink through PUT /api/settings. */
export async function configureSmtp(baseURL, port) {
  const cookie = await adminCookie(baseURL);
  const res = await fetch(new URL('/api/settings', baseURL), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({
      values: {
        'smtp.host': '127.0.0.1',
        'smtp.port': String(port),
        'smtp.security': 'none',
        'smtp.from': E2E_SENDER,
      },
    }),
  });
  if (!res.ok) throw new Error(`SMTP settings were refused: HTTP ${res.status} ${await res.text()}`);
}

/**
 * Starts the BankID test server (internal/bankid/cmd/bankidstub;
 * $ID06DESK_BANKIDSTUB_BIN, default ../build/bin/bankidstub): it writes
 * client-cert.pem, client-key.pem and root-ca.pem into dir and prints
 * "bankid <URL>"; every identification completes after a few collects.
 * Returns {url, dir, files: {cert, key, rootCA}, stop}.
 */
export async function startBankIDStub(dir) {
  const bin = process.env.ID06DESK_BANKIDSTUB_BIN
    ? path.resolve(process.env.ID06DESK_BANKIDSTUB_BIN)
    : path.resolve(frontendDir, '../build/bin/bankidstub');
  if (!fs.existsSync(bin)) throw new Error(`bankidstub not found at ${bin}: run "make build", or set ID06DESK_BANKIDSTUB_BIN.`);
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(bin, ['--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (err += d));
  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if ((await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000, 'timeout'))])) === 'timeout') child.kill('SIGKILL');
    }
  }
  try {
    const url = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`bankidstub printed no URL within 10 s: ${buf} ${err}`)), 10_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        buf += d;
        const m = /^bankid (https?:\/\/\S+)$/m.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`bankidstub exited early (${code}): ${err}`));
      });
    });
    const files = { cert: path.join(dir, 'client-cert.pem'), key: path.join(dir, 'client-key.pem'), rootCA: path.join(dir, 'root-ca.pem') };
    for (const f of Object.values(files)) if (!fs.existsSync(f)) throw new Error(`bankidstub did not write ${f}`);
    return { url, dir, files, stop, stderr: () => err };
  } catch (e) {
    await stop();
    throw e;
  }
}
