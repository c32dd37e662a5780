// The waits the server asks for with a 429 `rate_limited` answer: after
// wrong passwords, PINs or codes it names a lock in Retry-After (the kiosk
// PIN's lock grows to an hour); with details.reason "busy" it only says
// that it already checks as many passwords/PINs as it may at once, and the
// attempt was not counted. A lock is shown in words that fit its length
// ("40 sekunder", "4 minuter", "1 hour"), counted down live; "busy" has a
// text of its own (errorText: `error.rate_limited.busy`).

import { translate, translatePlural, type Locale } from './i18n';

/** The parts of an API error (ApiError) that say whether and how long to wait. */
export interface RefusedError {
  code: string;
  retryAfter?: number;
  details?: Record<string, string>;
}

/** A 429 that is no lock: the server is checking other passwords/PINs. */
export function isBusy(err: RefusedError): boolean {
  return err.code === 'rate_limited' && err.details?.reason === 'busy';
}

/**
 * The seconds of a lock to count down, or 0: not a lock (another error, a
 * "busy" answer, or no Retry-After).
 */
export function lockSeconds(err: RefusedError): number {
  if (err.code !== 'rate_limited' || isBusy(err)) return 0;
  const s = err.retryAfter ?? 0;
  return Number.isFinite(s) && s > 0 ? Math.ceil(s) : 0;
}

/**
 * A wait in words, never shorter than the real one: seconds under a minute
 * ("59 sekunder"), whole minutes rounded up under an hour ("4 minuter"),
 * then hours ("1 timme", "1 hour and 30 minutes").
 */
export function formatWait(locale: Locale, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return translatePlural(locale, 'wait.seconds', s);
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return translatePlural(locale, 'wait.minutes', minutes);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = translatePlural(locale, 'wait.hours', h);
  if (m === 0) return hours;
  return translate(locale, 'wait.hoursMinutes', { hours, minutes: translatePlural(locale, 'wait.minutes', m) });
}

/**
 * Counts a wait down: onTick(seconds left) now and at each whole second,
 * then onDone(). It follows the clock, not the number of ticks, so an hour
 * does not drift when timers fire late. Returns a cancel function.
 */
export function waitCountdown(seconds: number, onTick: (left: number) => void, onDone: () => void): () => void {
  const end = Date.now() + Math.max(0, seconds) * 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const step = () => {
    if (cancelled) return;
    const ms = end - Date.now();
    if (ms <= 0) {
      onDone();
      return;
    }
    onTick(Math.ceil(ms / 1000));
    timer = setTimeout(step, ms % 1000 || 1000);
  };
  step();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
