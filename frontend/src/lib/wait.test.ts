import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorFromResponse, type ApiError } from '../api/client';
import { errorText, translate } from './i18n';
import { formatWait, isBusy, lockSeconds, waitCountdown } from './wait';

describe('formatWait', () => {
  it('names a wait in Swedish and English, in seconds, minutes or hours', () => {
    const cases: Array<[number, string, string]> = [
      [1, '1 sekund', '1 second'],
      [0.3, '1 sekund', '1 second'],
      [2, '2 sekunder', '2 seconds'],
      [59, '59 sekunder', '59 seconds'],
      [60, '1 minut', '1 minute'],
      [61, '2 minuter', '2 minutes'],
      [240, '4 minuter', '4 minutes'],
      [181, '4 minuter', '4 minutes'],
      [180, '3 minuter', '3 minutes'],
      [3599, '1 timme', '1 hour'],
      [3540, '59 minuter', '59 minutes'],
      [3600, '1 timme', '1 hour'],
      [5400, '1 timme och 30 minuter', '1 hour and 30 minutes'],
      [5401, '1 timme och 31 minuter', '1 hour and 31 minutes'],
      [7200, '2 timmar', '2 hours'],
      [7260, '2 timmar och 1 minut', '2 hours and 1 minute'],
    ];
    for (const [seconds, sv, en] of cases) {
      expect(formatWait('sv', seconds), `${seconds} s`).toBe(sv);
      expect(formatWait('en', seconds), `${seconds} s`).toBe(en);
    }
  });

  it('fills the lock messages of the PIN pad, the login and the code screen', () => {
    expect(translate('sv', 'kiosk.exit.locked', { wait: formatWait('sv', 240) })).toBe(
      'För många fel PIN-koder. Vänta 4 minuter och försök igen.',
    );
    expect(translate('en', 'kiosk.exit.locked', { wait: formatWait('en', 3600) })).toBe(
      'Too many wrong PINs. Wait 1 hour and try again.',
    );
    expect(translate('sv', 'login.locked', { wait: formatWait('sv', 1) })).toBe(
      'För många försök. Vänta 1 sekund och försök igen.',
    );
    expect(translate('en', 'register.code.locked', { wait: formatWait('en', 600) })).toBe(
      'Too many wrong codes. Wait 10 minutes and try again.',
    );
  });
});

describe('waitCountdown', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts an hour down second by second, following the clock', () => {
    vi.useFakeTimers();
    const ticks: number[] = [];
    let done = 0;
    waitCountdown(3600, (left) => ticks.push(left), () => done++);
    expect(ticks).toEqual([3600]);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual([3600, 3599]);
    vi.advanceTimersByTime(59_000);
    expect(ticks.at(-1)).toBe(3540);
    expect(formatWait('sv', ticks.at(-1)!)).toBe('59 minuter');
    // Timers that fire late (a busy machine) do not make the wait drift:
    // the clock moves 5 s while no timer runs.
    vi.setSystemTime(Date.now() + 5000);
    vi.advanceTimersByTime(1000);
    expect(ticks.at(-1)).toBe(3534);
    vi.advanceTimersByTime(3534_000 - 1);
    expect(ticks.at(-1)).toBe(1);
    expect(done).toBe(0);
    vi.advanceTimersByTime(1);
    expect(done).toBe(1);
  });

  it('stops when cancelled', () => {
    vi.useFakeTimers();
    const ticks: number[] = [];
    let done = 0;
    const cancel = waitCountdown(3, (left) => ticks.push(left), () => done++);
    vi.advanceTimersByTime(1000);
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toEqual([3, 2]);
    expect(done).toBe(0);
  });
});

/** A 429 as the server sends it. */
function refused(retryAfter: string, error: object): Promise<ApiError> {
  return errorFromResponse(
    new Response(JSON.stringify({ error }), {
      status: 429,
      headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter },
    }),
  );
}

describe('a "busy" 429 is not a lock', () => {
  it('has its own text on the login and the PIN pad, in Swedish and English', async () => {
    const busy = await refused('1', {
      code: 'rate_limited',
      message: 'The server is checking other passwords. Try again in a moment.',
      details: { reason: 'busy' },
    });
    expect(isBusy(busy)).toBe(true);
    expect(lockSeconds(busy)).toBe(0);
    for (const context of ['login', 'kiosk.exit']) {
      expect(errorText('sv', busy, context)).toBe('Servern är upptagen – försök igen om en sekund.');
      expect(errorText('en', busy, context)).toBe('The server is busy – try again in a second.');
    }
  });

  it('leaves a real lock a lock', async () => {
    const locked = await refused('3600', { code: 'rate_limited', message: 'Too many wrong PINs. Wait 1 hour and try again.' });
    expect(isBusy(locked)).toBe(false);
    expect(lockSeconds(locked)).toBe(3600);
    expect(errorText('sv', locked, 'kiosk.exit')).toBe('För många fel PIN-koder. Vänta en stund och försök igen.');
    expect(errorText('en', locked, 'login')).not.toContain('busy');
    // Other codes and reasons are no lock either.
    expect(lockSeconds({ code: 'invalid_pin', retryAfter: 5 })).toBe(0);
    expect(lockSeconds({ code: 'rate_limited' })).toBe(0);
    expect(errorText('en', { code: 'rate_limited', details: { reason: 'unheard-of' } }, 'login')).toBe(
      errorText('en', { code: 'rate_limited' }, 'login'),
    );
  });
});
