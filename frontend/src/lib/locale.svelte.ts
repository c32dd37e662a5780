// The chosen language, kept in localStorage. t() reads it reactively.
import {
  DEFAULT_LOCALE,
  errorText,
  formatDate,
  formatDateTime,
  isLocale,
  translate,
  translatePlural,
  type Locale,
  type MessageKey,
  type Params,
  type ShowableError,
} from './i18n';
import { setRequestLocale } from '../api/client';

const STORAGE_KEY = 'id06desk.locale';

function storedChoice(): Locale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (isLocale(v)) return v;
  } catch {
    // Storage may be blocked; fall back to the default.
  }
  return null;
}

export const lang = $state<{ locale: Locale }>({ locale: storedChoice() ?? DEFAULT_LOCALE });
setRequestLocale(lang.locale);

/**
 * Uses a language someone else chose for this person (the invitation's),
 * unless they picked one themselves with the language switch. Not stored.
 */
export function suggestLocale(locale: Locale): void {
  if (storedChoice() !== null) return;
  lang.locale = locale;
  setRequestLocale(locale);
  document.documentElement.lang = locale;
}

export function setLocale(locale: Locale): void {
  lang.locale = locale;
  setRequestLocale(locale);
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not fatal: the choice just is not remembered.
  }
  document.documentElement.lang = locale;
}

/**
 * Back to the default language and forgets the stored choice: the kiosk
 * does this when one person is done, so the next starts afresh.
 */
export function resetLocale(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored, then.
  }
  lang.locale = DEFAULT_LOCALE;
  setRequestLocale(DEFAULT_LOCALE);
  document.documentElement.lang = DEFAULT_LOCALE;
}

export function t(key: MessageKey, params?: Params): string {
  return translate(lang.locale, key, params);
}

export function tp(base: string, count: number, params?: Params): string {
  return translatePlural(lang.locale, base, count, params);
}

export function te(err: ShowableError, context?: string): string {
  return errorText(lang.locale, err, context);
}

export function fmtDateTime(d: Date): string {
  return formatDateTime(lang.locale, d);
}

export function fmtDate(d: Date): string {
  return formatDate(lang.locale, d);
}

document.documentElement.lang = lang.locale;
