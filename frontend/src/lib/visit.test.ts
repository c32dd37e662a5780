import { describe, expect, it } from 'vitest';
import { newVisitId, VISIT_ID_PATTERN } from './visit';
import { errorText, translate } from './i18n';
import { formatWait } from './wait';

describe('kiosk visit id', () => {
  it('has the form the server accepts, and each visit gets its own', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = newVisitId();
      expect(id).toMatch(VISIT_ID_PATTERN);
      ids.add(id);
    }
    expect(ids.size).toBe(200);
  });
});

describe('the wait after wrong codes', () => {
  it('names the seconds in Swedish and English', () => {
    const text = (locale: 'sv' | 'en', seconds: number) =>
      translate(locale, 'register.code.locked', { wait: formatWait(locale, seconds) });
    expect(text('sv', 8)).toBe('För många felaktiga koder. Vänta 8 sekunder och försök igen.');
    expect(text('en', 8)).toBe('Too many wrong codes. Wait 8 seconds and try again.');
    expect(text('sv', 1)).toContain('Vänta 1 sekund och försök igen');
    expect(text('en', 1)).toContain('Wait 1 second and try again');
  });

  it('has a text of its own without a number of seconds', () => {
    const err = { code: 'rate_limited', message: 'Too many wrong codes. Wait 2 seconds and try again.' };
    expect(errorText('sv', err, 'register.code')).toContain('felaktiga koder');
    expect(errorText('en', err, 'register.code')).toContain('wrong codes');
  });
});
