// All user-visible strings, in Swedish and English. The texts live per feature
// in i18n/*.ts; this file merges them. A unit test checks the key sets and
// placeholders match, that nothing is empty and that no key is in two features.
// Placeholders are written {name} and filled by translate().

import * as common from './i18n/common';
import * as errors from './i18n/errors';
import * as invitations from './i18n/invitations';
import * as orders from './i18n/orders';
import * as settings from './i18n/settings';
import * as auth from './i18n/auth';
import * as kiosk from './i18n/kiosk';
import * as kioskSync from './i18n/kioskSync';
import * as register from './i18n/register';
import * as audit from './i18n/audit';
import * as nexus from './i18n/nexus';
import * as kiosks from './i18n/kiosks';

export type Locale = 'sv' | 'en';
export const LOCALES: readonly Locale[] = ['sv', 'en'];
export const DEFAULT_LOCALE: Locale = 'sv';

/** The dictionaries of each feature, merged below. A test checks no key is in two of them. */
export const features = { common, errors, invitations, orders, settings, auth, kiosk, kioskSync, register, audit, nexus, kiosks } as const;

const sv = {
  ...common.sv,
  ...errors.sv,
  ...invitations.sv,
  ...orders.sv,
  ...settings.sv,
  ...auth.sv,
  ...kiosk.sv,
  ...kioskSync.sv,
  ...register.sv,
  ...audit.sv,
  ...nexus.sv,
  ...kiosks.sv,
} as const;

export type MessageKey = keyof typeof sv;

const en: Record<MessageKey, string> = {
  ...common.en,
  ...errors.en,
  ...invitations.en,
  ...orders.en,
  ...settings.en,
  ...auth.en,
  ...kiosk.en,
  ...kioskSync.en,
  ...register.en,
  ...audit.en,
  ...nexus.en,
  ...kiosks.en,
};

export const dictionaries: Record<Locale, Record<MessageKey, string>> = { sv, en };

export function isLocale(value: unknown): value is Locale {
  return value === 'sv' || value === 'en';
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(sv, key);
}

export type Params = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = dictionaries[locale][key] ?? dictionaries[DEFAULT_LOCALE][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Picks `<base>.one` or `<base>.other` by the locale's plural rules. */
export function translatePlural(
  locale: Locale,
  base: string,
  count: number,
  params: Params = {},
): string {
  const form = new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
  const key = `${base}.${form}`;
  if (!hasKey(key)) return key;
  return translate(locale, key, { count, ...params });
}

/** The minimal shape of an API error that can be shown to a person. */
export interface ShowableError {
  code: string;
  message?: string;
  /** Facts of the error (`error.details`); `reason` picks a message of its own. */
  details?: Record<string, string>;
}

/**
 * Codes whose message is the reason, written by the server for people in
 * the language the request asked for (Accept-Language): a refused sync
 * file ("Bundle 2 from kiosk X was imported already …", "… was revoked …").
 * Their `error.<code>` key is the fallback for an answer without a message.
 */
const SERVER_SAYS_WHY = new Set(['sync_refused']);

/**
 * A user-facing message for an API error: first a message specific to the
 * context (`<context>.error.<code>`), then the general one for the code
 * (`error.<code>`), then the server's own (English) message. An error whose
 * details name a reason (a 429 with `reason: "busy"`) is a case of its own:
 * `<context>.error.<code>.<reason>` and `error.<code>.<reason>` come first.
 * For a code of SERVER_SAYS_WHY the server's message comes next.
 */
export function errorText(locale: Locale, err: ShowableError, context?: string): string {
  const reason = err.details?.reason;
  const keys: string[] = [];
  if (reason && /^\w+$/.test(reason)) {
    if (context) keys.push(`${context}.error.${err.code}.${reason}`);
    keys.push(`error.${err.code}.${reason}`);
  }
  for (const key of keys) {
    if (hasKey(key)) return translate(locale, key);
  }
  // The server's sentence is the reason itself (in the request's language):
  // the code's own message would only say that something was refused.
  if (SERVER_SAYS_WHY.has(err.code) && err.message) return err.message;
  keys.length = 0;
  if (context) keys.push(`${context}.error.${err.code}`);
  keys.push(`error.${err.code}`);
  for (const key of keys) {
    if (hasKey(key)) return translate(locale, key);
  }
  if (err.message) return err.message;
  return translate(locale, 'error.unknown');
}

const intlLocale: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' };

/** Counts and page numbers as the locale writes them ("1 234" in Swedish). */
export function numberFormat(locale: Locale): Intl.NumberFormat {
  return new Intl.NumberFormat(intlLocale[locale]);
}

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(intlLocale[locale], {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'long' }).format(date);
}
