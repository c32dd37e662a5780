import { describe, expect, it } from 'vitest';
import {
  dictionaries,
  errorText,
  features,
  formatDateTime,
  LOCALES,
  translate,
  translatePlural,
} from './i18n';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe('i18n dictionaries', () => {
  it('have identical key sets', () => {
    const sv = Object.keys(dictionaries.sv).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(sv);
    expect(sv.length).toBeGreaterThan(50);
  });

  it('are split per feature: each feature has both languages with the same keys, and no key is in two features', () => {
    const seen = new Map<string, string>();
    let total = 0;
    for (const [name, f] of Object.entries(features)) {
      const sv = Object.keys(f.sv).sort();
      expect(Object.keys(f.en).sort(), name).toEqual(sv);
      expect(sv.length, name).toBeGreaterThan(0);
      for (const k of sv) {
        expect(seen.get(k), `${k} is in ${seen.get(k)} and ${name}`).toBeUndefined();
        seen.set(k, name);
      }
      total += sv.length;
    }
    expect(Object.keys(dictionaries.sv).length).toBe(total);
  });

  it('tell the cardholder what the mails tell them: Nexus makes the card (issue 10 item 16)', () => {
    for (const locale of LOCALES) {
      const d = dictionaries[locale];
      expect(d['register.done.orderBody'], locale).toMatch(/Nexus/);
      for (const [key, text] of Object.entries(d)) {
        if (key.startsWith('register.done.')) expect(text, `${locale}:${key}`).not.toMatch(/till ID06|to ID06/i);
      }
    }
  });

  it('never ask to upload a photo in kiosk texts: the camera takes it there', () => {
    const kioskOnly = ['register.method.manualDescKiosk', 'register.photo.cameraUnavailable', 'register.error.camera_unavailable'] as const;
    for (const locale of LOCALES) {
      for (const key of kioskOnly) expect(dictionaries[locale][key], `${locale}:${key}`).not.toMatch(/upload|ladda upp/i);
    }
  });

  it('have no empty strings', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(dictionaries[locale])) {
        expect(text.trim(), `${locale}:${key}`).not.toBe('');
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(dictionaries.sv) as Array<keyof typeof dictionaries.sv>) {
      expect(placeholders(dictionaries.en[key]), key).toEqual(placeholders(dictionaries.sv[key]));
    }
  });

  it('has a message for every API error code', () => {
    const codes = [
      'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited',
      'too_large', 'invalid_password', 'no_password', 'internal', 'unavailable', 'network',
      'invalid', 'method_not_allowed', 'unsupported_media_type', 'wrong_host', 'kiosk_only',
    ];
    for (const code of codes) {
      expect(Object.keys(dictionaries.sv)).toContain(`error.${code}`);
    }
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('en', 'notFound.body', { path: '/x' })).toBe(
      'The address /x does not lead to a page in id06desk.',
    );
    expect(translate('sv', 'notFound.body', { path: '/x' })).toContain('/x');
  });

  it('leaves unknown placeholders visible', () => {
    expect(translate('en', 'notFound.body')).toContain('{path}');
  });

  it('picks plural forms', () => {
    expect(translatePlural('en', 'wait.seconds', 1)).toBe('1 second');
    expect(translatePlural('sv', 'wait.seconds', 30)).toBe('30 sekunder');
  });
});

describe('errorText', () => {
  it('prefers the context message, then the code message, then the server message', () => {
    expect(errorText('en', { code: 'not_found', message: 'x' }, 'register.code')).toBe(
      'We could not find an invitation with that code. Check the code in your mail.',
    );
    expect(errorText('sv', { code: 'not_found', message: 'x' }, 'register.code')).toBe(
      'Vi hittade ingen inbjudan med den koden. Kontrollera koden i ditt mejl.',
    );
    expect(errorText('en', { code: 'invalid_password', message: 'x' }, 'login')).toBe(
      'Wrong password. Try again.',
    );
    expect(errorText('en', { code: 'token_expired', message: 'This invitation expired.' })).toBe(
      'This invitation expired.',
    );
    expect(errorText('sv', { code: 'weird' })).toBe('Något gick fel. Försök igen.');
  });

  it("shows the server's sentence for a refused sync file: it says why, the code's message only that it was refused", () => {
    const revoked = 'Kiosken Grind Väst har fått sin parkoppling återkallad (2026-12-05 06:05 UTC); dess filer tas inte emot.';
    const err = { code: 'sync_refused', message: revoked, details: { reason: 'sync.bundle.revoked' } };
    expect(errorText('sv', err)).toBe(revoked);
    expect(errorText('sv', err, 'kiosks')).toBe(revoked);
    // Without a message: the code's own words, in the UI's language.
    expect(errorText('sv', { code: 'sync_refused' })).toBe('Filen togs inte emot.');
    expect(errorText('en', { code: 'sync_refused', message: '' })).toBe('The file was refused.');
  });
});

describe('formatDateTime', () => {
  it('formats for the locale', () => {
    const d = new Date(2026, 11, 3, 14, 5);
    const sv = formatDateTime('sv', d);
    const en = formatDateTime('en', d);
    expect(sv).toContain('2026');
    expect(sv).toContain('14:05');
    expect(sv).toMatch(/dec/);
    expect(en).toMatch(/Dec/);
    expect(sv).not.toBe(en);
  });
});
