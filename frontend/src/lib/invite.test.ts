import { describe, expect, it } from 'vitest';
import {
  chunk,
  csvCodes,
  extendDaysError,
  formatCode,
  linkGoneKey,
  nextSort,
  pageCount,
  pageRange,
  rowErrorsByIndex,
  rowsFromErrorBody,
  runInChunks,
  splitAddresses,
} from './invite';
import { listQuery } from '../api/invitations';
import { translate } from './i18n';

describe('splitAddresses', () => {
  it('splits on lines, commas, semicolons and tabs, trimming and dropping blanks', () => {
    expect(splitAddresses('a@x.se\nb@x.se,c@x.se; d@x.se\r\n\n  e@x.se  \t f@x.se;;')).toEqual([
      'a@x.se', 'b@x.se', 'c@x.se', 'd@x.se', 'e@x.se', 'f@x.se',
    ]);
  });
  it('keeps duplicates and invalid entries for the server to judge', () => {
    expect(splitAddresses('a@x.se, a@x.se, not-an-address')).toEqual(['a@x.se', 'a@x.se', 'not-an-address']);
  });
  it('returns nothing for blank input', () => {
    expect(splitAddresses(' \n ,; ')).toEqual([]);
  });
});

describe('chunk', () => {
  it('splits into pieces of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
    expect(chunk(Array.from({ length: 120 }, (_, i) => i), 25).map((c) => c.length)).toEqual([25, 25, 25, 25, 20]);
    expect(() => chunk([1], 0)).toThrow();
  });
});

describe('runInChunks', () => {
  it('reports progress after each chunk and collects the results', async () => {
    const items = Array.from({ length: 60 }, (_, i) => i);
    const progress: number[] = [];
    const offsets: number[] = [];
    const run = await runInChunks(items, 25, async (part, offset) => {
      offsets.push(offset);
      return part.map((n) => n * 10);
    }, (p) => progress.push(p.done));
    expect(progress).toEqual([0, 25, 50, 60]);
    expect(offsets).toEqual([0, 25, 50]);
    expect(run.results).toHaveLength(60);
    expect(run.results[59]).toBe(590);
    expect(run.remaining).toEqual([]);
    expect(run.failedAt).toBeNull();
  });

  it('stops at the first failing chunk and returns what was not sent', async () => {
    const items = Array.from({ length: 70 }, (_, i) => i);
    let calls = 0;
    const boom = new Error('boom');
    const run = await runInChunks(items, 25, async (part) => {
      calls++;
      if (calls === 2) throw boom;
      return part;
    });
    expect(calls).toBe(2);
    expect(run.done).toBe(25);
    expect(run.failedAt).toBe(25);
    expect(run.remaining).toEqual(items.slice(25));
    expect(run.error).toBe(boom);
    expect(run.results).toEqual(items.slice(0, 25));
  });
});

describe('formatCode', () => {
  it('groups the code in two halves', () => {
    expect(formatCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
    expect(formatCode('abcdefgh')).toBe('ABCD-EFGH');
    expect(formatCode('ABCDEFGHJ')).toBe('ABCDE-FGHJ');
    expect(formatCode('ABCDE-FGHJK')).toBe('ABCDE-FGHJK');
  });
});

describe('row errors', () => {
  it('maps validate answers to errors by row, accepting objects and bare strings', () => {
    const m = rowErrorsByIndex([
      { index: 0, ok: true, errors: {} },
      { index: 1, ok: false, errors: { email: { code: 'duplicate', message: 'Already in row 1.' } } },
      { index: 2, ok: false, errors: { cardType: { code: 'unknown_card_type', message: 'Unknown card type.' } } },
    ]);
    expect(m.has(0)).toBe(false);
    expect(m.get(1)).toEqual({ email: { code: 'duplicate', message: 'Already in row 1.' } });
    expect(m.get(2)).toEqual({ cardType: { code: 'unknown_card_type', message: 'Unknown card type.' } });
  });
  it('shifts indexes by a chunk offset', () => {
    const m = rowErrorsByIndex([{ index: 3, ok: false, errors: { email: { code: 'email_invalid', message: 'x' } } }], 25);
    expect([...m.keys()]).toEqual([28]);
  });
  it('a failed row without field errors still counts as failed', () => {
    expect(rowErrorsByIndex([{ index: 0, ok: false, errors: {} }]).get(0)).toHaveProperty('row');
  });
  it('reads rows from a 400 body', () => {
    expect(rowsFromErrorBody({ error: {}, rows: [{ index: 0, ok: true, errors: {} }] })).toHaveLength(1);
    expect(rowsFromErrorBody({ error: {} })).toBeNull();
    expect(rowsFromErrorBody(undefined)).toBeNull();
  });
});

describe('list query', () => {
  it('leaves out empty filters and fills the defaults', () => {
    expect(listQuery({})).toEqual({ sort: 'created', dir: 'desc', page: '1', pageSize: '50' });
    expect(listQuery({ status: 'sent', cardType: 'id06', q: '  anna ', sort: 'email', dir: 'asc', page: 3 })).toEqual({
      status: 'sent', cardType: 'id06', q: 'anna', sort: 'email', dir: 'asc', page: '3', pageSize: '50',
    });
    expect(listQuery({ q: '   ', page: 0 })).toEqual({ sort: 'created', dir: 'desc', page: '1', pageSize: '50' });
  });
  it('sorting: the same column flips, a new one starts ascending (created: newest first)', () => {
    expect(nextSort({ sort: 'created', dir: 'desc' }, 'created')).toEqual({ sort: 'created', dir: 'asc' });
    expect(nextSort({ sort: 'created', dir: 'desc' }, 'email')).toEqual({ sort: 'email', dir: 'asc' });
    expect(nextSort({ sort: 'email', dir: 'asc' }, 'created')).toEqual({ sort: 'created', dir: 'desc' });
  });
  it('page range and count', () => {
    expect(pageRange(1, 50, 1234)).toEqual({ from: 1, to: 50 });
    expect(pageRange(25, 50, 1234)).toEqual({ from: 1201, to: 1234 });
    expect(pageRange(1, 50, 0)).toEqual({ from: 0, to: 0 });
    expect(pageCount(50, 1234)).toBe(25);
    expect(pageCount(50, 0)).toBe(1);
  });
});

describe('extendDaysError', () => {
  it('accepts whole days from 1 to 365', () => {
    for (const d of [1, 30, 365]) expect(extendDaysError('en', d)).toBe('');
  });

  it('names the limits in both languages for anything else', () => {
    for (const d of [0, -3, 366, 400, 2.5, null, undefined, Number.NaN]) {
      expect(extendDaysError('en', d)).toBe('Enter a whole number of days, from 1 to 365.');
      expect(extendDaysError('sv', d)).toBe('Ange ett helt antal dagar, från 1 till 365.');
    }
  });

  it("shows the server's refusal of the days field in the UI's language, with its limits", () => {
    const err = { fields: { days: 'Extend by 1 to 365 days.' }, details: { field: 'days', min: '1', max: '365' } };
    expect(extendDaysError('sv', 400, err)).toBe('Ange ett helt antal dagar, från 1 till 365.');
    expect(extendDaysError('en', 400, err)).toContain('from 1 to 365');
    expect(extendDaysError('en', 10, { fields: { other: 'x' } })).toBe('');
  });
});

describe('csvCodes', () => {
  const cardTypes = [
    { code: 'id06-rfid', nameSv: 'ID06-kort med RFID', nameEn: 'ID06 card with RFID', active: true },
    { code: 'old', nameSv: 'Gammalt', nameEn: 'Old', active: false },
    { code: 'visitor', nameSv: 'Besökskort', nameEn: 'Visitor card', active: true },
  ];

  it('lists the active codes with their names in the UI language', () => {
    expect(csvCodes(cardTypes, 'sv')).toEqual([
      { code: 'id06-rfid', name: 'ID06-kort med RFID' },
      { code: 'visitor', name: 'Besökskort' },
    ]);
    expect(csvCodes(cardTypes, 'en').map((c) => c.name)).toEqual(['ID06 card with RFID', 'Visitor card']);
  });
});

describe('linkGoneKey', () => {
  it('says why a revoked, expired or registered invitation shows no link and QR code', () => {
    expect(linkGoneKey({ status: 'sent', link: 'http://x/#/register/v1.a' })).toBeNull();
    expect(linkGoneKey({ status: 'revoked', link: '' })).toBe('detail.linkGone.revoked');
    expect(linkGoneKey({ status: 'expired', link: '' })).toBe('detail.linkGone.expired');
    // Past the expiry before the hourly sweep marked it: the server sent no link.
    expect(linkGoneKey({ status: 'sent', link: '' })).toBe('detail.linkGone.expired');
    for (const s of ['registered', 'ready', 'sent_to_nexus', 'rejected_by_nexus', 'in_production', 'delivered']) {
      expect(linkGoneKey({ status: s, link: '' }), s).toBe('detail.linkGone.registered');
    }
    expect(translate('sv', 'detail.linkGone.revoked')).toContain('återkallad');
    expect(translate('en', 'detail.linkGone.revoked')).toContain('revoked');
  });
});
