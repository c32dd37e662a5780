import { describe, expect, it } from 'vitest';
import { applyKey, keyRows, layoutFor, nextShift, scrollDelta, shiftAfterChar, type Key } from './keyboard';
import { CODE_ALPHABET } from './code';

const ids = (rows: Key[][]) => rows.flat().map((k) => k.id);

describe('layoutFor', () => {
  it('picks digits for personnummer, phone for tel, code by data-osk, text otherwise', () => {
    expect(layoutFor({ tagName: 'INPUT', type: 'text', inputMode: 'numeric' })).toBe('digits');
    expect(layoutFor({ tagName: 'INPUT', type: 'tel', inputMode: 'tel' })).toBe('phone');
    expect(layoutFor({ tagName: 'INPUT', type: 'text', inputMode: 'tel' })).toBe('phone');
    expect(layoutFor({ tagName: 'INPUT', type: 'number' })).toBe('digits');
    expect(layoutFor({ tagName: 'INPUT', type: 'text', inputMode: 'text', osk: 'code' })).toBe('code');
    expect(layoutFor({ tagName: 'input', type: 'text' })).toBe('text');
    expect(layoutFor({ tagName: 'INPUT', type: 'email' })).toBe('text');
    expect(layoutFor({ tagName: 'INPUT' })).toBe('text');
    expect(layoutFor({ tagName: 'TEXTAREA' })).toBe('text');
    expect(layoutFor({ tagName: 'INPUT', type: 'password', inputMode: 'numeric' })).toBe('digits');
  });

  it('data-osk overrides what the type says', () => {
    expect(layoutFor({ tagName: 'INPUT', type: 'tel', osk: 'digits' })).toBe('digits');
    expect(layoutFor({ tagName: 'INPUT', type: 'text', osk: 'phone' })).toBe('phone');
    expect(layoutFor({ tagName: 'INPUT', type: 'text', osk: 'nonsense' })).toBe('text');
  });

  it('gives no keyboard to fields it cannot type into', () => {
    for (const type of ['date', 'checkbox', 'radio', 'file', 'range', 'color', 'submit']) {
      expect(layoutFor({ tagName: 'INPUT', type }), type).toBeNull();
    }
    expect(layoutFor({ tagName: 'SELECT' })).toBeNull();
    expect(layoutFor({ tagName: 'BUTTON' })).toBeNull();
    expect(layoutFor({ tagName: 'INPUT', type: 'text', readOnly: true })).toBeNull();
    expect(layoutFor({ tagName: 'INPUT', type: 'text', disabled: true })).toBeNull();
    expect(layoutFor({ tagName: 'INPUT', type: 'text', osk: 'none' })).toBeNull();
  });
});

describe('keyRows', () => {
  it('has the Swedish letters, digits, @ . - and the special keys in the text layout', () => {
    const all = ids(keyRows('text'));
    for (const c of [...'abcdefghijklmnopqrstuvwxyzåäö0123456789@.-']) expect(all, c).toContain(c);
    for (const k of ['shift', 'backspace', 'space', 'hide', 'next']) expect(all).toContain(k);
    expect(new Set(all).size).toBe(all.length);
  });

  it('shifted letters type capitals, digits and signs stay', () => {
    const keys = keyRows('text', 'once').flat();
    const a = keys.find((k) => k.id === 'å');
    expect(a?.label).toBe('Å');
    expect(a?.action).toEqual({ kind: 'char', char: 'Å' });
    expect(keys.find((k) => k.id === '7')?.label).toBe('7');
    expect(keys.find((k) => k.id === '@')?.label).toBe('@');
    expect(keyRows('text', 'lock').flat().find((k) => k.id === 'ö')?.label).toBe('Ö');
  });

  it('personnummer and phone layouts have all digits and their signs, no letters', () => {
    const digits = ids(keyRows('digits'));
    const phone = ids(keyRows('phone'));
    for (const c of '0123456789') {
      expect(digits).toContain(c);
      expect(phone).toContain(c);
    }
    expect(digits).toEqual(expect.arrayContaining(['-', '+', 'backspace', 'hide']));
    expect(phone).toEqual(expect.arrayContaining(['+', '-', 'space', 'backspace', 'hide']));
    expect([...digits, ...phone].some((id) => /^[a-zåäö]$/i.test(id))).toBe(false);
  });

  it('number pads are a grid four keys wide', () => {
    for (const layout of ['digits', 'phone'] as const) {
      for (const row of keyRows(layout)) expect(row.reduce((sum, k) => sum + k.width, 0), layout).toBe(4);
    }
  });

  it('the code layout has exactly the code alphabet (no 0, 1, I, O)', () => {
    const chars = ids(keyRows('code')).filter((id) => id.length === 1 && id !== '-');
    expect([...chars].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
    for (const bad of ['0', '1', 'I', 'O']) expect(chars).not.toContain(bad);
  });
});

describe('shift', () => {
  it('cycles off → once → lock → off; a letter uses up "once" only', () => {
    expect(nextShift('off')).toBe('once');
    expect(nextShift('once')).toBe('lock');
    expect(nextShift('lock')).toBe('off');
    expect(shiftAfterChar('once')).toBe('off');
    expect(shiftAfterChar('lock')).toBe('lock');
    expect(shiftAfterChar('off')).toBe('off');
  });
});

describe('applyKey', () => {
  const ch = (char: string) => ({ kind: 'char', char }) as const;

  it('inserts at the caret and moves it', () => {
    expect(applyKey({ value: 'Ana', start: 2, end: 2 }, ch('n'))).toEqual({ value: 'Anna', caret: 3, data: 'n', inputType: 'insertText' });
    expect(applyKey({ value: '', start: 0, end: 0 }, { kind: 'space' })).toEqual({ value: ' ', caret: 1, data: ' ', inputType: 'insertText' });
  });

  it('replaces a selection', () => {
    expect(applyKey({ value: 'Bengt', start: 1, end: 5 }, ch('o'))?.value).toBe('Bo');
  });

  it('appends where the field has no caret (type=email)', () => {
    expect(applyKey({ value: 'a', start: null, end: null }, ch('@'))).toMatchObject({ value: 'a@', caret: 2 });
  });

  it('backspace removes the character before the caret, or the selection', () => {
    expect(applyKey({ value: 'Åsa', start: 3, end: 3 }, { kind: 'backspace' })).toEqual({
      value: 'Ås',
      caret: 2,
      data: null,
      inputType: 'deleteContentBackward',
    });
    expect(applyKey({ value: 'Åsa', start: 1, end: 1 }, { kind: 'backspace' })?.value).toBe('sa');
    expect(applyKey({ value: 'Åsa', start: 0, end: 3 }, { kind: 'backspace' })?.value).toBe('');
    expect(applyKey({ value: 'Åsa', start: 0, end: 0 }, { kind: 'backspace' })).toBeNull();
    expect(applyKey({ value: 'x😀', start: 3, end: 3 }, { kind: 'backspace' })?.value).toBe('x');
  });

  it('keeps to maxlength', () => {
    expect(applyKey({ value: '1234', start: 4, end: 4 }, ch('5'), 4)).toBeNull();
    expect(applyKey({ value: '1234', start: 0, end: 4 }, ch('5'), 4)?.value).toBe('5');
    expect(applyKey({ value: '123', start: 3, end: 3 }, ch('4'), 4)?.value).toBe('1234');
  });

  it('clamps a caret out of range', () => {
    expect(applyKey({ value: 'ab', start: 9, end: 9 }, ch('c'))?.value).toBe('abc');
  });

  it('ignores keys that do not type', () => {
    expect(applyKey({ value: 'a', start: 1, end: 1 }, { kind: 'shift' })).toBeNull();
    expect(applyKey({ value: 'a', start: 1, end: 1 }, { kind: 'hide' })).toBeNull();
    expect(applyKey({ value: 'a', start: 1, end: 1 }, { kind: 'next' })).toBeNull();
  });
});

describe('scrollDelta', () => {
  it('leaves a field that is well above the keyboard', () => {
    expect(scrollDelta({ top: 100, bottom: 150 }, 1080, 400)).toBe(0);
  });

  it('scrolls a field under the keyboard up into the middle of the visible part', () => {
    const d = scrollDelta({ top: 900, bottom: 950 }, 1080, 400);
    expect(d).toBe(900 - (680 - 50) / 2);
    const after = { top: 900 - d, bottom: 950 - d };
    expect(after.bottom).toBeLessThan(680);
    expect(after.top).toBeGreaterThan(0);
  });

  it('scrolls a field above the top down into view', () => {
    expect(scrollDelta({ top: -200, bottom: -150 }, 800, 300)).toBeLessThan(0);
  });

  it('keeps a margin when the visible part is small', () => {
    expect(scrollDelta({ top: 500, bottom: 600 }, 400, 350, 24)).toBe(500 - 24);
  });
});
