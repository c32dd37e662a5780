// The cardholder's registration (internal/httpapi/openapi.json, tag register): every
// call is keyed by the invitation token and (except the lookup and the
// country list) answers with the whole Session, so the UI always shows what
// the server saved.
import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type LookupResult = Schemas['LookupResult'];

/**
 * Looks up an invitation by the short code a cardholder types. At the
 * kiosk, `visit` names the person's turn at the screen: the server limits
 * wrong codes per visit (429 `rate_limited` with Retry-After, growing).
 */
export function lookupCode(code: string, visit?: string): Promise<LookupResult> {
  return request<LookupResult>('POST', '/api/register/lookup', { body: visit ? { code, visit } : { code } });
}

/** A catalog entry (card type, industry) named in both languages. */
export type CatalogName = Pick<Schemas['CardType'], 'code' | 'nameSv' | 'nameEn'>;
export type InvitationSummary = Schemas['InvitationSummary'];
/** The steps the server knows; `step` is the first one not yet completed. */
export type Step = Schemas['Step'];
export type Method = Exclude<Schemas['RegistrationSession']['method'], ''>;

/** The personal data with every field present (the server leaves out empty optional ones). */
export type Personal = Required<Omit<Schemas['Personal'], 'locked' | 'passportChecked'>> &
  Pick<Schemas['Personal'], 'locked' | 'passportChecked'>;
export type PersonalInput = Schemas['PersonalInput'];
export type Rect = Schemas['Rect'];

export interface Size {
  width: number;
  height: number;
}

export type PhotoProblemCode = Schemas['PhotoProblem']['code'];
export type PhotoProblem = Schemas['PhotoProblem'];
/** The photo as the server sends it: source size, crop, faces and the check. */
export type PhotoState = Schemas['Photo'];
export type Address = Schemas['Address'];
export type Delivery = Schemas['Delivery'];
export type IdentityPartner = Schemas['IdentityPartner'];

/** A registration as the server sends it. */
export type RegistrationSession = Schemas['RegistrationSession'];
/** A registration as the UI uses it: the server's, with the personal data filled in. */
export type Session = Omit<Schemas['RegistrationSession'], 'personal'> & { personal: Personal | null };
export type ConfirmResult = Schemas['Receipt'];
export type Country = Schemas['Country'];

/** The upright source image's size, in the pixels crops are given in. */
export function photoSize(photo: PhotoState): Size {
  return { width: photo.sourceWidth, height: photo.sourceHeight };
}

/** Largest photo the server takes (10 MiB). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

/** Personal data with every field present (the server leaves out empty ones). */
function fillPersonal(p: Schemas['Personal'] | null): Personal | null {
  if (!p) return null;
  return {
    ...p,
    personnummer: p.personnummer ?? '',
    birthDate: p.birthDate ?? '',
    nationality: p.nationality ?? '',
    idNumber: p.idNumber ?? '',
    locked: p.locked === true,
    passportChecked: p.passportChecked === true,
  };
}

/**
 * A Session as the UI uses it: the personal data's optional fields filled
 * in, and the parts an older draft may lack defaulted.
 */
export function normalizeSession(s: RegistrationSession): Session {
  return {
    ...s,
    method: s.method === 'manual' || s.method === 'bankid' ? s.method : '',
    personal: fillPersonal(s.personal ?? null),
    photo: s.photo ?? null,
    delivery: s.delivery ?? null,
    companyAddress: s.companyAddress ?? null,
    bankid: { available: s.bankid?.available === true, reason: s.bankid?.reason || undefined },
    identityPartner: { name: s.identityPartner?.name ?? '', url: s.identityPartner?.url ?? '' },
    kiosk: s.kiosk === true,
  };
}

function base(token: string): string {
  return `/api/register/${encodeURIComponent(token)}`;
}

/** Opens the registration: the saved draft and where to resume. */
export function getSession(token: string, signal?: AbortSignal): Promise<Session> {
  return request<RegistrationSession>('GET', base(token), { signal }).then(normalizeSession);
}

export function saveMethod(token: string, method: Method): Promise<Session> {
  return request<RegistrationSession>('PUT', `${base(token)}/method`, { body: { method } }).then(normalizeSession);
}

export function savePersonal(token: string, personal: Personal): Promise<Session> {
  return request<RegistrationSession>('PUT', `${base(token)}/personal`, { body: personal }).then(normalizeSession);
}

/** Uploads a JPEG or PNG as the raw body; the answer has the suggested crop and its check. */
export function uploadPhoto(token: string, file: Blob): Promise<Session> {
  const contentType = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
  return request<RegistrationSession>('POST', `${base(token)}/photo`, { raw: { contentType, data: file } }).then(normalizeSession);
}

export function saveCrop(token: string, crop: Rect): Promise<Session> {
  const { x, y, width, height } = crop;
  return request<RegistrationSession>('PUT', `${base(token)}/photo/crop`, { body: { x, y, width, height } }).then(normalizeSession);
}

/** The upright source image for the crop editor. */
export function photoSourceUrl(token: string, version: number): string {
  return `${base(token)}/photo/source.jpg?v=${encodeURIComponent(String(version))}`;
}

/** The final card photo (35:45, up to 700×900). */
export function photoUrl(token: string, version: number): string {
  return `${base(token)}/photo.jpg?v=${encodeURIComponent(String(version))}`;
}

export type DeliveryInput = { useCompany: true } | { useCompany: false; address: Address };

export function saveDelivery(token: string, delivery: DeliveryInput): Promise<Session> {
  return request<RegistrationSession>('PUT', `${base(token)}/delivery`, { body: delivery }).then(normalizeSession);
}

/** Creates the order. The only call that does. */
export function confirmRegistration(token: string): Promise<ConfirmResult> {
  return request<ConfirmResult>('POST', `${base(token)}/confirm`);
}

export function listCountries(lang: string, signal?: AbortSignal): Promise<Country[]> {
  return request<Country[]>('GET', '/api/register/countries', { query: { lang }, signal });
}
