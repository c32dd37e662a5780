import { describe, expect, it } from 'vitest';
import { ageOf, baseName, defaultFolder, mailChanges, mailFormValues, missingText, packRefusalToShow, showServerSentence, skewMinutes } from './kioskSync';
import { dictionaries, translate, type MessageKey, type Params } from './i18n';

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
