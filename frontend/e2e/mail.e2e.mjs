// Every mail's HTML part, as the golden files in internal/mail hold it,
// rendered by Chromium at a phone's width: nothing may be wider than the
// screen (the invitation's long fallback link made it 804 px wide at 360).
// Needs no backend: it reads the golden files the Go tests keep current.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, LAUNCH_ARGS, repoRoot } from './support.mjs';

const PHONE = { width: 360, height: 740 };

/** The decoded text/html part of a MIME message (quoted-printable). */
function htmlPart(message) {
  const parts = message.split(/\r?\n--BOUNDARY-[A-Z]/);
  const part = parts.find((p) => /Content-Type: text\/html/i.test(p));
  assert.ok(part, 'no text/html part');
  const [head, ...body] = part.split(/\r?\n\r?\n/);
  let text = body.join('\n\n');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
    const bytes = [];
    const soft = text.replace(/=\r?\n/g, '');
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i], 'utf8'));
      }
    }
    text = Buffer.from(bytes).toString('utf8');
  }
  return text;
}

let browser;

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: LAUNCH_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
});

const testdata = path.join(repoRoot, 'internal', 'mail', 'testdata');

describe('mails on a phone', () => {
  for (const name of fs.readdirSync(testdata).filter((f) => f.endsWith('.golden')).sort()) {
    const invitation = name.startsWith('invitation_');
    test(`${name}: fits 360 px${invitation ? ' and names the web code page' : ''}`, async () => {
      const file = path.join(testdata, name);
      const html = htmlPart(fs.readFileSync(file, 'utf8'));
      const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.route('**/*', (r) => r.abort()); // cid: images and anything else: offline, as a mail reader
        await page.setContent(html, { waitUntil: 'domcontentloaded' });
        const widths = await page.evaluate(() => {
          const wide = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 0.5) wide.push(`${el.tagName} right=${Math.round(r.right)}`);
          }
          return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide };
        });
        assert.ok(widths.scroll <= PHONE.width, `the mail is ${widths.scroll} px wide at ${PHONE.width}: ${widths.wide.join(', ')}`);
        assert.deepEqual(widths.wide, []);
        if (invitation) {
          const text = await page.evaluate(() => document.body.innerText);
          assert.match(text, /https:\/\/id06\.bygg-soner\.se\/#\/register(?![/\w])/, 'the web code page is not named');
        }
      } finally {
        await context.close();
      }
    });
  }
});
