// Pure helpers of the cardholder's registration wizard: which step to show,
// the texts for the server's error and field codes (with their details), and
// the light prechecks done before asking the server, which decides.
import type { Address, Personal, PhotoState, Session, Step } from '../api/register';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '../api/register';
import {
  errorText,
  formatDate,
  hasKey,
  isLocale,
  translate,
  type Locale,
  type MessageKey,
  type Params,
} from './i18n';

/** The server's steps in order. */
export const FLOW: readonly Step[] = ['method', 'personal', 'photo', 'delivery', 'review'];

/** The numbered steps of the indicator (the method choice comes before them). */
export const NUMBERED: readonly Step[] = ['personal', 'photo', 'delivery', 'review'];

export function isStep(s: unknown): s is Step {
  return typeof s === 'string' && (FLOW as readonly string[]).includes(s);
}

function index(s: Step): number {
  return FLOW.indexOf(s);
}

/**
 * The step to show: the one asked for (in the address) when the person has
 * already reached it, otherwise the server's — the first step not completed.
 * Going back to edit is fine; skipping ahead is not.
 */
export function resolveStep(serverStep: string, requested?: string): Step {
  const reached: Step = isStep(serverStep) ? serverStep : 'method';
  if (isStep(requested) && index(requested) <= index(reached)) return requested;
  return reached;
}

/** Where a Back button goes from a step, or null on the first. */
export function previousStep(step: Step): Step | null {
  const i = index(step);
  return i > 0 ? FLOW[i - 1] : null;
}

/** 1–4 for the numbered steps, 0 for the method choice. */
export function stepNumber(step: Step): number {
  return NUMBERED.indexOf(step) + 1;
}

export type IndicatorState = 'done' | 'current' | 'upcoming';

export interface IndicatorItem {
  step: Step;
  number: number;
  state: IndicatorState;
  /** Can be opened from the indicator (reached, and not the current one). */
  link: boolean;
}

export function indicatorItems(current: Step, serverStep: string): IndicatorItem[] {
  const reached = index(resolveStep(serverStep));
  return NUMBERED.map((step, i) => {
    const state: IndicatorState =
      step === current ? 'current' : index(step) < reached ? 'done' : 'upcoming';
    return { step, number: i + 1, state, link: step !== current && index(step) <= reached };
  });
}

/** The opening errors: the link itself cannot be used (any call may answer them). */
export const LINK_ERRORS = [
  'invalid_link',
  'invitation_expired',
  'invitation_revoked',
  'invitation_superseded',
  'already_registered',
  'not_found',
] as const;

export function isLinkError(code: string): boolean {
  return (LINK_ERRORS as readonly string[]).includes(code);
}

export interface DetailedError {
  code: string;
  message?: string;
  details?: Record<string, string>;
}

function dateParam(locale: Locale, iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : formatDate(locale, d);
}

/** Placeholders for a message from an error's details, dates written out. */
export function detailParams(locale: Locale, details: Record<string, string> = {}): Params {
  const params: Params = {
    company: details.company?.trim() || translate(locale, 'register.yourCompany'),
  };
  const expiredOn = dateParam(locale, details.expiredOn);
  if (expiredOn) params.date = expiredOn;
  const registeredOn = dateParam(locale, details.registeredOn);
  if (registeredOn) params.date = registeredOn;
  if (isStep(details.step)) params.step = translate(locale, `register.step.${details.step}` as MessageKey);
  return params;
}

/**
 * The sentence for a registration error: `register.error.<code>` filled
 * from the details (company, dates written out in the language; without a
 * needed detail its `.plain` variant), falling back to the general message
 * for the code, then the server's own.
 */
export function registerErrorText(locale: Locale, err: DetailedError): string {
  const key = `register.error.${err.code}`;
  if (hasKey(key)) {
    const params = detailParams(locale, err.details);
    const text = translate(locale, key, params);
    // A detail the sentence needs is missing: use its plain variant.
    const plain = `${key}.plain`;
    if (/\{\w+\}/.test(text) && hasKey(plain)) return translate(locale, plain, params);
    return text;
  }
  return errorText(locale, err);
}

/** The title above a link error ("Already registered on 25 November 2026"). */
export function linkErrorTitle(locale: Locale, err: DetailedError): string {
  if (err.code === 'already_registered') {
    const date = dateParam(locale, err.details?.registeredOn);
    return date
      ? translate(locale, 'register.already.title', { date })
      : translate(locale, 'register.already.titleNoDate');
  }
  return translate(locale, 'register.token.errorTitle');
}

/** The sentence for one field's code: field-specific first, then the code's. */
export function fieldErrorText(locale: Locale, field: string, code: string): string {
  const specific = `register.field.${field}.${code}`;
  if (hasKey(specific)) return translate(locale, specific);
  const general = `register.code.${code}`;
  if (hasKey(general)) return translate(locale, general);
  return translate(locale, 'register.code.unknown');
}

/** The DOM id of a form field named by the server ("first_name" → "reg-first-name"). */
export function fieldDomId(field: string): string {
  return 'reg-' + field.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

export type FieldErrors = Record<string, string>;

function required(errors: FieldErrors, field: string, value: string): void {
  if (!value.trim()) errors[field] = 'required';
}

/** Only what is plainly missing; every other rule is the server's. */
export function precheckPersonal(p: Personal): FieldErrors {
  const errors: FieldErrors = {};
  required(errors, 'first_name', p.firstName);
  required(errors, 'last_name', p.lastName);
  if (p.hasPersonnummer) {
    required(errors, 'personnummer', p.personnummer);
  } else {
    required(errors, 'birth_date', p.birthDate);
    required(errors, 'nationality', p.nationality);
    required(errors, 'id_number', p.idNumber);
  }
  required(errors, 'phone', p.phone);
  return errors;
}

export function precheckAddress(a: Address): FieldErrors {
  const errors: FieldErrors = {};
  required(errors, 'name', a.name);
  required(errors, 'street', a.street);
  required(errors, 'postal_code', a.postalCode);
  required(errors, 'city', a.city);
  required(errors, 'country', a.country);
  return errors;
}

/**
 * What is sent for the personal step: the fields of the chosen kind of
 * identity, the others emptied so the server never keeps a stale one.
 */
export function personalPayload(p: Personal): Personal {
  const trimmed: Personal = {
    firstName: p.firstName.trim(),
    lastName: p.lastName.trim(),
    hasPersonnummer: p.hasPersonnummer,
    personnummer: p.personnummer.trim(),
    birthDate: p.birthDate.trim(),
    nationality: p.nationality.trim(),
    idNumber: p.idNumber.trim(),
    phone: p.phone.trim(),
  };
  if (p.hasPersonnummer) {
    trimmed.birthDate = '';
    trimmed.nationality = '';
    trimmed.idNumber = '';
  } else {
    trimmed.personnummer = '';
  }
  return trimmed;
}

export function emptyPersonal(): Personal {
  return {
    firstName: '',
    lastName: '',
    hasPersonnummer: true,
    personnummer: '',
    birthDate: '',
    nationality: '',
    idNumber: '',
    phone: '',
  };
}

export function emptyAddress(country = 'SE'): Address {
  return { name: '', careOf: '', street: '', postalCode: '', city: '', country };
}

export type PhotoFileProblem = 'photo_empty' | 'too_large' | 'photo_format';

/** Checks a chosen file before uploading it: type JPEG/PNG, 1 byte to 10 MiB. */
export function precheckPhoto(file: { size: number; type: string; name: string }): PhotoFileProblem | null {
  const type = file.type.toLowerCase();
  const byName = /\.(jpe?g|png)$/i.test(file.name);
  if (type ? !PHOTO_TYPES.includes(type) : !byName) return 'photo_format';
  if (file.size <= 0) return 'photo_empty';
  if (file.size > MAX_PHOTO_BYTES) return 'too_large';
  return null;
}

/**
 * The code to explain a refused upload with. The server renders the card
 * photo from its suggested crop at once, so a photo with too few pixels for
 * any crop is refused as `photo_resolution`, which speaks of a frame the
 * person has not seen yet: it is the photo that is too small.
 */
export function uploadErrorCode(code: string): string {
  return code === 'photo_resolution' ? 'photo_too_small' : code;
}

/** Problems that stop the person from going on with this photo. */
export function blockingProblems(photo: PhotoState | null): string[] {
  if (!photo) return [];
  return photo.problems.filter((p) => p.blocking).map((p) => p.code);
}

/** The photo is ready for the next step: rendered and nothing blocking. */
export function photoUsable(photo: PhotoState | null): boolean {
  return !!photo && photo.rendered && blockingProblems(photo).length === 0;
}

export function photoProblemText(locale: Locale, code: string): string {
  const key = `register.photo.problem.${code}`;
  return translate(locale, hasKey(key) ? key : 'register.photo.problem.unknown');
}

/**
 * Why Next is disabled on the photo step: the first (most useful) blocking
 * problem the server found, in words; '' when nothing blocks.
 */
export function blockedReason(locale: Locale, photo: PhotoState | null): string {
  const first = blockingProblems(photo)[0];
  return first ? translate(locale, 'register.photo.blockedBy', { reason: photoProblemText(locale, first) }) : '';
}

/** The invitation's language when it is one the UI has. */
export function invitationLocale(language: string | undefined): Locale | null {
  const l = (language ?? '').toLowerCase().slice(0, 2);
  return isLocale(l) ? l : null;
}

/** "198112189876" → "19811218-9876"; anything else as given. */
export function formatPersonnummer(s: string): string {
  const digits = s.replace(/\D/g, '');
  if (digits.length === 12 && !/[-+]/.test(s)) return `${digits.slice(0, 8)}-${digits.slice(8)}`;
  return s;
}

/** The lines of an address as printed on an envelope; the country by name. */
export function addressLines(a: Address, countryName: (code: string) => string): string[] {
  const lines = [a.name, a.careOf ? `c/o ${a.careOf}` : '', a.street, [a.postalCode, a.city].filter(Boolean).join(' ')];
  if (a.country) lines.push(countryName(a.country));
  return lines.map((l) => l.trim()).filter((l) => l.length > 0);
}

const intlLocale: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' };

/** A country's name in the language, from the browser (the code when unknown). */
export function regionName(locale: Locale, code: string): string {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([intlLocale[locale]], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A catalog entry's name in the language. */
export function catalogName(locale: Locale, c: { code: string; nameSv: string; nameEn: string } | null): string {
  if (!c) return '';
  return (locale === 'sv' ? c.nameSv : c.nameEn) || c.nameEn || c.nameSv || c.code;
}

/**
 * Whether the banner of a reopened registration (the admin's reason) shows
 * on this step: at the step to fix, and at the review where the cardholder
 * confirms again (the only place for the reason "other").
 */
export function reopenBannerShown(reopen: Session['reopen'] | null | undefined, current: Step): boolean {
  if (!reopen) return false;
  return current === 'review' || (reopen.fix !== '' && current === reopen.fix);
}

/**
 * A registration sent back because of its photo, still holding the refused
 * one: the photo step starts at choosing (or taking) a new photo, not at
 * cropping the refused one again.
 */
export function newPhotoFirst(s: Pick<Session, 'photo' | 'reopen'>): boolean {
  return s.reopen?.fix === 'photo' && s.photo?.fromOrder === true;
}
