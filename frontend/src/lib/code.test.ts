import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, normalizeCode, validateCode } from './code';

describe('validateCode', () => {
  it.each([
    ['ABCDEFGH', null],
    ['23456789', null],
    ['ABCDEFGHJK', null],
    ['abcd efgh', null],
    ['ABCD-EFGH', null],
  ])('accepts %s', (input, want) => {
    expect(validateCode(input)).toEqual(want);
  });

  it.each([
    ['', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
    ['ABC', { kind: 'tooShort' }],
    ['ABCDEFG', { kind: 'tooShort' }],
    ['ABCDEFGHJKL', { kind: 'tooLong' }],
    ['ABCD0EFG', { kind: 'badChars', chars: ['0'] }],
    ['IO1ABCDE', { kind: 'badChars', chars: ['I', 'O', '1'] }],
    ['ÅÄÖABCDE', { kind: 'badChars', chars: ['Å', 'Ä', 'Ö'] }],
    ['OO', { kind: 'badChars', chars: ['O'] }],
  ])('rejects %j', (input, want) => {
    expect(validateCode(input)).toEqual(want);
  });

  it('has a 32-character alphabet without look-alikes', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    for (const ch of '01IO') expect(CODE_ALPHABET).not.toContain(ch);
  });
});

describe('normalizeCode', () => {
  it('upper-cases and strips separators', () => {
    expect(normalizeCode(' abcd-efgh ')).toBe('ABCDEFGH');
  });
});
