// Short invitation codes typed by a cardholder (e.g. at the kiosk).
// The alphabet leaves out 0, 1, I and O, which are easy to mix up.

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_MIN_LENGTH = 8;
export const CODE_MAX_LENGTH = 10;

export type CodeProblem =
  | { kind: 'empty' }
  | { kind: 'tooShort' }
  | { kind: 'tooLong' }
  | { kind: 'badChars'; chars: string[] };

/** Upper-cases and drops spaces and dashes people add while typing. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

/** Returns null for a well-formed code, or what is wrong with it. */
export function validateCode(input: string): CodeProblem | null {
  const code = normalizeCode(input);
  if (code.length === 0) return { kind: 'empty' };
  const bad: string[] = [];
  for (const ch of code) {
    if (!CODE_ALPHABET.includes(ch) && !bad.includes(ch)) bad.push(ch);
  }
  if (bad.length > 0) return { kind: 'badChars', chars: bad };
  if (code.length < CODE_MIN_LENGTH) return { kind: 'tooShort' };
  if (code.length > CODE_MAX_LENGTH) return { kind: 'tooLong' };
  return null;
}
