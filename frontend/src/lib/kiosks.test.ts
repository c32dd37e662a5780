import { describe, expect, it } from 'vitest';
import { translatePlural } from './i18n';
import { bundleFile, importCounts, importTone, kioskState, mailByKiosk, mailErrorText, problemText, roundCounts, when } from './kiosks';

describe('kioskState', () => {
  it('tells revoked, joined and waiting apart', () => {
    expect(kioskState({ joined: true, revokedAt: '2026-12-01T10:00:00Z' })).toBe('revoked');
    expect(kioskState({ joined: false, revokedAt: '2026-12-01T10:00:00Z' })).toBe('revoked');
    expect(kioskState({ joined: true })).toBe('joined');
    expect(kioskState({ joined: false })).toBe('waiting');
  });
});

describe('bundleFile', () => {
  const f = (name: string) => new File(['x'], name);
  it('takes exactly one file', () => {
    expect(bundleFile([f('a.id06sync')])?.name).toBe('a.id06sync');
    expect(bundleFile([f('a'), f('b')])).toBeNull();
    expect(bundleFile([])).toBeNull();
    expect(bundleFile(null)).toBeNull();
  });
});

describe('importCounts', () => {
  it('shows applied always and the rest when not zero', () => {
    expect(importCounts({ applied: 0, already: 2, conflicts: 0, refused: 1 })).toEqual([
      { key: 'applied', n: 0 },
      { key: 'already', n: 2 },
      { key: 'refused', n: 1 },
    ]);
  });
  it('shows nothing for a bundle without registrations', () => {
    expect(importCounts({ applied: 0, already: 0, conflicts: 0, refused: 0 })).toEqual([]);
  });
  it('warns on conflicts and refusals only', () => {
    expect(importTone({ conflicts: 0, refused: 0 })).toBe('ok');
    expect(importTone({ conflicts: 1, refused: 0 })).toBe('warn');
    expect(importTone({ conflicts: 0, refused: 2 })).toBe('warn');
  });
});

describe('sync by mail', () => {
  const k = (id: string, mailAddress?: string) => ({ id, mailAddress, lastContactAt: '0001-01-01T00:00:00Z', silent: false, packsWaiting: 0, receiverLogin: false });
  it('finds each kiosk’s mail status by id', () => {
    const m = mailByKiosk([k('a', 'a@bygg.se'), k('b')]);
    expect(m.get('a')?.mailAddress).toBe('a@bygg.se');
    expect(m.get('b')?.mailAddress).toBeUndefined();
    expect(m.get('c')).toBeUndefined();
    expect(mailByKiosk(null).size).toBe(0);
  });
  it('reads Go’s zero time as never', () => {
    expect(when('0001-01-01T00:00:00Z')).toBeNull();
    expect(when(undefined)).toBeNull();
    expect(when('nonsense')).toBeNull();
    expect(when('2026-12-05T10:00:00Z')?.toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });
  it('lists what a round did, zeros left out', () => {
    expect(roundCounts({ mailsSeen: 2, bundlesImported: 1, applied: 3, mailsRefused: 0, packsQueued: 1 })).toEqual([
      { key: 'mailsSeen', n: 2 },
      { key: 'bundlesImported', n: 1 },
      { key: 'applied', n: 3 },
      { key: 'packsQueued', n: 1 },
    ]);
    expect(roundCounts({ mailsSeen: 0, bundlesImported: 0, applied: 0, mailsRefused: 0, packsQueued: 0 })).toEqual([]);
  });
  it('shows a problem in the UI’s language', () => {
    const p = { code: 'x', sv: 'Fel', en: 'Wrong' };
    expect(problemText(p, 'sv')).toBe('Fel');
    expect(problemText(p, 'en')).toBe('Wrong');
  });
  it('shows a kiosk’s last mail error in the UI’s language, nothing when there is none', () => {
    const km = {
      lastMailError: {
        code: 'sync.mail.pack_not_sent',
        sv: 'Sajtpaketet till gate@bygg.se har inte skickats: mottagaren nekades (550 5.1.1)',
        en: 'The site pack to gate@bygg.se has not been sent: the recipient was refused (550 5.1.1)',
      },
    };
    expect(mailErrorText(km, 'sv')).toBe(km.lastMailError.sv);
    expect(mailErrorText(km, 'en')).toBe(km.lastMailError.en);
    expect(mailErrorText({}, 'sv')).toBe('');
    expect(mailErrorText({ lastMailError: undefined }, 'en')).toBe('');
  });
});

describe('sync round counts', () => {
  it('count in the right number in both languages', () => {
    expect(translatePlural('sv', 'kiosks.sync.count.applied', 1)).toBe('registrering tillagd');
    expect(translatePlural('sv', 'kiosks.sync.count.applied', 3)).toBe('registreringar tillagda');
    expect(translatePlural('sv', 'kiosks.sync.count.bundlesImported', 1)).toBe('paket importerat');
    expect(translatePlural('en', 'kiosks.sync.count.mailsSeen', 1)).toBe('mail read');
    expect(translatePlural('en', 'kiosks.sync.count.packsQueued', 2)).toBe('site packs queued');
  });
});
