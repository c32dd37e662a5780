import { describe, expect, it } from 'vitest';
import { ageOf, baseName, defaultFolder, lastPackText, mailChanges, mailFormValues, missingText, packRefusalToShow, showServerSentence, sitePackAppliedText, skewMinutes } from './kioskSync';
import { dictionaries, translate, translatePlural, type MessageKey, type Params } from './i18n';

describe('kiosk sync helpers', () => {
  it('says how long ago in minutes, hours or days', () => {
    expect(ageOf(59)).toEqual({ base: 'kioskSync.age.minutes', count: 0 });
    expect(ageOf(45 * 60)).toEqual({ base: 'kioskSync.age.minutes', count: 45 });
    expect(ageOf(3 * 3600 + 10)).toEqual({ base: 'kioskSync.age.hours', count: 3 });
    expect(ageOf(3 * 86400)).toEqual({ base: 'kioskSync.age.days', count: 3 });
    expect(ageOf(-5)).toEqual({ base: 'kioskSync.age.minutes', count: 0 });
    for (const base of ['kioskSync.age.minutes', 'kioskSync.age.hours', 'kioskSync.age.days']) {
      for (const form of ['one', 'other']) {
        expect(dictionaries.sv).toHaveProperty(`${base}.${form}`);
        expect(dictionaries.en).toHaveProperty(`${base}.${form}`);
      }
    }
  });

  it('warns in whole minutes either way', () => {
    expect(skewMinutes(-600)).toBe(10);
    expect(skewMinutes(330)).toBe(6);
  });

  it('offers a USB stick before Documents', () => {
    expect(
      defaultFolder([
        { path: '/home/k/Documents', label: 'Documents', removable: false },
        { path: '/media/k/STICK', label: 'STICK', removable: true },
      ]),
    ).toBe('/media/k/STICK');
    expect(defaultFolder([{ path: '/home/k/Documents', label: 'Documents', removable: false }])).toBe('/home/k/Documents');
    expect(defaultFolder([])).toBe('');
  });

  it('shows a refused file’s own sentence, not a generic one', () => {
    expect(showServerSentence({ status: 409, code: 'conflict', message: 'This site pack is older…' })).toBe(true);
    expect(showServerSentence({ status: 400, code: 'invalid', message: 'The file is meant for another kiosk or console.' })).toBe(true);
    expect(showServerSentence({ status: 401, code: 'unauthorized', message: 'Enter the kiosk PIN again' })).toBe(false);
    expect(showServerSentence({ status: 0, code: 'network', message: 'Network error' })).toBe(false);
  });

  it('names the file without its folder', () => {
    expect(baseName('/media/k/STICK/id06desk-Gate-A-bundle-3.id06sync')).toBe('id06desk-Gate-A-bundle-3.id06sync');
  });
});

describe('kiosk mail form', () => {
  const server = { 'smtp.host': 'relay.bygg.se', 'smtp.port': '587', 'smtp.password': '(set)', 'sync.imap.host': '', 'sync.imap.password': '', 'company.name': 'x' };
  it('starts with the server’s values, passwords empty and only the kiosk’s keys', () => {
    const f = mailFormValues(server);
    expect(f['smtp.host']).toBe('relay.bygg.se');
    expect(f['smtp.password']).toBe('');
    expect(f['sync.imap.host']).toBe('');
    expect(f['smtp.from']).toBe('');
    expect('company.name' in f).toBe(false);
    expect(Object.keys(f)).toHaveLength(11);
  });
  it('sends what changed, a password only when typed', () => {
    const f = mailFormValues(server);
    expect(mailChanges(server, f)).toEqual({});
    f['smtp.host'] = ' relay2.bygg.se ';
    f['sync.imap.password'] = 'hemligt';
    expect(mailChanges(server, f)).toEqual({ 'smtp.host': 'relay2.bygg.se', 'sync.imap.password': 'hemligt' });
    f['smtp.port'] = '';
    expect(mailChanges(server, f)['smtp.port']).toBe('');
  });
});

describe('kiosk mail status', () => {
  const sv = (key: MessageKey, params?: Params) => translate('sv', key, params);
  const en = (key: MessageKey, params?: Params) => translate('en', key, params);
  it('names the fields a half-filled relay or mailbox lacks, in the form’s own words', () => {
    expect(missingText(['smtp.from'], 'send', sv)).toBe('Av: fyll i Avsändare');
    expect(missingText(['smtp.host', 'smtp.from'], 'send', en)).toBe('Off: fill in Server, Sender');
    expect(missingText(['smtp.from', 'sync.imap.username'], 'collect', sv)).toBe('Av: fyll i Användare');
  });
  it('says when the office takes bundles by USB only', () => {
    expect(missingText(['syncAddress'], 'send', sv)).toMatch(/USB-minne/);
    expect(missingText(['syncAddress', 'sync.imap.host'], 'collect', en)).toBe('Off: fill in Server');
  });
  it('is empty when nothing was begun', () => {
    expect(missingText(undefined, 'send', sv)).toBe('');
    expect(missingText(['sync.imap.host'], 'send', sv)).toBe('');
  });
});

describe('refused site pack', () => {
  const r = { at: '2026-12-05T10:00:00Z', seq: 3, code: 'sync.stale_pack', sv: 'Äldre.', en: 'Older.' };
  it('shows a refusal newer than the last pack applied, or with none applied', () => {
    expect(packRefusalToShow({ sitePackRefusal: r })).toBe(r);
    expect(packRefusalToShow({ sitePackRefusal: r, sitePackAppliedAt: '2026-12-05T09:00:00Z' })).toBe(r);
  });
  it('hides one a later pack made up for, and shows nothing without one', () => {
    expect(packRefusalToShow({ sitePackRefusal: r, sitePackAppliedAt: '2026-12-05T11:00:00Z' })).toBeNull();
    expect(packRefusalToShow({ sitePackAppliedAt: '2026-12-05T11:00:00Z' })).toBeNull();
  });
});

describe('counts on the kiosk sync view and Kiosks & sync', () => {
  const tIn = (locale: 'sv' | 'en') => (key: MessageKey, params?: Params) => translate(locale, key, params);
  const tpIn = (locale: 'sv' | 'en') => (base: string, count: number, params?: Params) => translatePlural(locale, base, count, params);

  it('says "1 inbjudan, 1 återkallad", not "1 inbjudningar, 1 återkallade"', () => {
    const one = { seq: 2, invitations: 1, revoked: 1, forgotten: 1 };
    const two = { seq: 3, invitations: 2, revoked: 2, forgotten: 2 };
    expect(sitePackAppliedText(one, tIn('sv'), tpIn('sv'))).toBe('Platspaket 2 inläst: 1 inbjudan, 1 återkallad, 1 registrering bekräftad och raderad.');
    expect(sitePackAppliedText(two, tIn('sv'), tpIn('sv'))).toBe('Platspaket 3 inläst: 2 inbjudningar, 2 återkallade, 2 registreringar bekräftade och raderade.');
    expect(sitePackAppliedText({ ...one, revoked: 0 }, tIn('en'), tpIn('en'))).toBe('Site pack 2 applied: 1 invitation, 0 revoked, 1 registration acknowledged and deleted.');
    expect(sitePackAppliedText(two, tIn('en'), tpIn('en'))).toBe('Site pack 3 applied: 2 invitations, 2 revoked, 2 registrations acknowledged and deleted.');
  });

  it('says a site pack applied less than a minute ago was applied "nyss", not "0 minuter sedan"', () => {
    expect(lastPackText(3, '5 dec. 06:20', 20, tIn('sv'), tpIn('sv'))).toBe('Nummer 3, inläst 5 dec. 06:20 (nyss)');
    expect(lastPackText(3, '5 Dec 06:20', 20, tIn('en'), tpIn('en'))).toBe('Number 3, applied 5 Dec 06:20 (just now)');
    expect(lastPackText(3, '5 dec. 06:20', 61, tIn('sv'), tpIn('sv'))).toBe('Nummer 3, inläst 5 dec. 06:20 (1 minut sedan)');
    expect(lastPackText(3, '5 dec. 06:20', 2 * 3600, tIn('sv'), tpIn('sv'))).toBe('Nummer 3, inläst 5 dec. 06:20 (2 timmar sedan)');
  });

  it('says "Sparade 1 registrering", and 0 and 2 in the plural', () => {
    expect(translatePlural('sv', 'kioskSync.export.done', 1, { file: 'f.id06sync' })).toMatch(/^Sparade 1 registrering i f\.id06sync\./);
    expect(translatePlural('sv', 'kioskSync.export.done', 0, { file: 'f.id06sync' })).toMatch(/^Sparade 0 registreringar i/);
    expect(translatePlural('en', 'kioskSync.export.done', 1, { file: 'f.id06sync' })).toMatch(/^Saved 1 registration in/);
    expect(translatePlural('sv', 'kioskSync.lastExportValue', 1, { when: 'i dag' })).toBe('i dag, 1 registrering');
    expect(translatePlural('sv', 'kiosks.import.applied', 1)).toBe('ny beställning');
    expect(translatePlural('en', 'kiosks.import.applied', 2)).toBe('new orders');
  });

  it('has no count in a sentence that is not a plural key (kioskSync.*, kiosks.*)', () => {
    for (const locale of ['sv', 'en'] as const) {
      const bad = Object.entries(dictionaries[locale])
        .filter(([key, text]) => /^kiosks?(Sync)?\./.test(key) && text.includes('{count}') && !/\.(one|other)$/.test(key))
        .map(([key]) => key);
      expect(bad, `${locale}: counted without a plural form`).toEqual([]);
    }
  });
});
