// The kiosk's on-screen keyboard without any DOM: which layout a field gets,
// the keys of each layout, what a key press does to the text and caret, the
// shift key, and how far to scroll so the field stays above the keyboard.
import { CODE_ALPHABET } from './code';

export type LayoutName = 'text' | 'digits' | 'phone' | 'code';
export const LAYOUTS: readonly LayoutName[] = ['text', 'digits', 'phone', 'code'];

export type KeyAction =
  | { kind: 'char'; char: string }
  | { kind: 'backspace' }
  | { kind: 'shift' }
  | { kind: 'space' }
  | { kind: 'next' }
  | { kind: 'hide' };

export interface Key {
  /** Stable id, for tests and data-osk-key: the character, or the action's name. */
  id: string;
  action: KeyAction;
  /** What the key shows (for characters: the character, shifted if so). */
  label: string;
  /** Relative width in its row (1 = one letter key). */
  width: number;
}

export type ShiftState = 'off' | 'once' | 'lock';

/** What the focused element tells about itself. */
export interface FieldInfo {
  tagName: string;
  type?: string;
  inputMode?: string;
  /** data-osk: a layout name, or "none" for no keyboard. */
  osk?: string;
  readOnly?: boolean;
  disabled?: boolean;
}

const TEXT_TYPES = ['', 'text', 'search', 'email', 'url', 'tel', 'password', 'number'];

/**
 * The layout for a field, or null when the on-screen keyboard does not type
 * into it (dates, checkboxes, selects, read-only fields, data-osk="none").
 * data-osk wins; then tel → phone; numeric/decimal or number → digits.
 */
export function layoutFor(f: FieldInfo): LayoutName | null {
  const tag = f.tagName.toUpperCase();
  if (tag !== 'INPUT' && tag !== 'TEXTAREA') return null;
  if (f.readOnly || f.disabled) return null;
  const type = (f.type ?? '').toLowerCase();
  if (tag === 'INPUT' && !TEXT_TYPES.includes(type)) return null;
  const osk = (f.osk ?? '').toLowerCase();
  if (osk === 'none') return null;
  if ((LAYOUTS as readonly string[]).includes(osk)) return osk as LayoutName;
  const mode = (f.inputMode ?? '').toLowerCase();
  if (type === 'tel' || mode === 'tel') return 'phone';
  if (mode === 'numeric' || mode === 'decimal' || type === 'number') return 'digits';
  return 'text';
}

function chars(s: string, shifted = false): Key[] {
  return [...s].map((c) => {
    const label = shifted ? c.toLocaleUpperCase('sv') : c;
    return { id: c, action: { kind: 'char', char: label }, label, width: 1 };
  });
}

function special(kind: 'backspace' | 'shift' | 'space' | 'next' | 'hide', width: number): Key {
  return { id: kind, action: { kind } as KeyAction, label: '', width };
}

/**
 * The rows of a layout. Text: Swedish QWERTY with å ä ö, a row of digits
 * (street numbers, postal codes) and @ . - ' for e-mail and names. Digits
 * (personnummer, dates): a 4-wide pad with 0–9, - and +. Phone: the same
 * pad with +, - and space. Code: the invitation code alphabet only (no 0,
 * 1, I, O), in QWERTY order.
 */
export function keyRows(layout: LayoutName, shift: ShiftState = 'off'): Key[][] {
  const up = shift !== 'off';
  switch (layout) {
    case 'text':
      return [
        [...chars('1234567890'), special('backspace', 1.5)],
        chars('qwertyuiopå', up),
        chars('asdfghjklöä', up),
        [special('shift', 1.5), ...chars('zxcvbnm', up), ...chars("-.'@")],
        [special('hide', 2), special('space', 6), special('next', 2.5)],
      ];
    case 'digits':
      return [
        [...chars('123'), special('backspace', 1)],
        [...chars('456'), ...chars('-')],
        [...chars('789'), ...chars('+')],
        [special('hide', 1), ...chars('0'), special('next', 2)],
      ];
    case 'phone':
      return [
        [...chars('123'), special('backspace', 1)],
        [...chars('456'), ...chars('+')],
        [...chars('789'), ...chars('-')],
        [special('hide', 1), ...chars('0'), special('space', 1), special('next', 1)],
      ];
    case 'code': {
      const allowed = (s: string) => [...s].filter((c) => CODE_ALPHABET.includes(c)).join('');
      return [
        [...chars(allowed('23456789')), special('backspace', 1.5)],
        chars(allowed('QWERTYUIOP')),
        chars(allowed('ASDFGHJKL')),
        [...chars(allowed('ZXCVBNM')), ...chars('-')],
        [special('hide', 2), special('next', 2.5)],
      ];
    }
  }
}

/** Shift cycles off → once (next letter) → lock → off. */
export function nextShift(s: ShiftState): ShiftState {
  return s === 'off' ? 'once' : s === 'once' ? 'lock' : 'off';
}

/** After a character: a one-letter shift is used up, a lock stays. */
export function shiftAfterChar(s: ShiftState): ShiftState {
  return s === 'once' ? 'off' : s;
}

export interface TextState {
  value: string;
  /** Selection, or null where the field has none (type=email, number). */
  start: number | null;
  end: number | null;
}

export interface Edit {
  value: string;
  caret: number;
  /** For the input event: what was inserted, null for a deletion. */
  data: string | null;
  inputType: 'insertText' | 'deleteContentBackward';
}

/**
 * The field after a key: the character replaces the selection (or goes at
 * the caret; at the end where the field has no caret), backspace removes the
 * selection or the character before the caret. Returns null when nothing
 * changes (backspace at the start, or the field is full: maxLength ≥ 0).
 */
export function applyKey(s: TextState, action: KeyAction, maxLength = -1): Edit | null {
  const len = s.value.length;
  const start = Math.min(Math.max(s.start ?? len, 0), len);
  const end = Math.min(Math.max(s.end ?? start, start), len);
  if (action.kind === 'backspace') {
    if (start !== end) return { value: s.value.slice(0, start) + s.value.slice(end), caret: start, data: null, inputType: 'deleteContentBackward' };
    if (start === 0) return null;
    // Remove a whole character, also one made of two UTF-16 units.
    const before = [...s.value.slice(0, start)];
    const removed = before.pop() ?? '';
    const cut = start - removed.length;
    return { value: s.value.slice(0, cut) + s.value.slice(end), caret: cut, data: null, inputType: 'deleteContentBackward' };
  }
  const text = action.kind === 'char' ? action.char : action.kind === 'space' ? ' ' : '';
  if (!text) return null;
  if (maxLength >= 0 && len - (end - start) + text.length > maxLength) return null;
  return { value: s.value.slice(0, start) + text + s.value.slice(end), caret: start + text.length, data: text, inputType: 'insertText' };
}

/**
 * How far to scroll the page (positive: down) so a field sits in the middle
 * of what the keyboard leaves visible; 0 when it is already well in view.
 */
/**
 * What to bring into view for a field: the field and its form's submit
 * button together (so "Continue" is not hidden under the keyboard) when
 * both fit in the visible height, else the field alone.
 */
export function revealBox(field: HTMLElement, visibleHeight: number, margin = 24): { top: number; bottom: number } {
  const r = field.getBoundingClientRect();
  const form = (field as HTMLInputElement).form;
  const submit = form?.querySelector<HTMLElement>('button[type="submit"]');
  if (!submit) return { top: r.top, bottom: r.bottom };
  const s = submit.getBoundingClientRect();
  const box = { top: Math.min(r.top, s.top), bottom: Math.max(r.bottom, s.bottom) };
  return box.bottom - box.top <= visibleHeight - 2 * margin ? box : { top: r.top, bottom: r.bottom };
}

export function scrollDelta(field: { top: number; bottom: number }, viewportHeight: number, keyboardHeight: number, margin = 24): number {
  const visibleBottom = viewportHeight - keyboardHeight;
  if (field.top >= margin && field.bottom <= visibleBottom - margin) return 0;
  const height = field.bottom - field.top;
  const wantTop = Math.max(margin, (visibleBottom - height) / 2);
  return Math.round(field.top - wantTop);
}
