// The cardholder's registration, as in /work/notes/register-api.md: every
// call is keyed by the invitation token and (except the lookup and the
// country list) answers with the whole Session, so the UI always shows what
// the server saved.
import { request } from './client';

export interface LookupResult {
  /** The invitation token the code stands for; opens #/register/<token>. */
  token: string;
}

/**
 * Looks up an invitation by the short code a cardholder types. At the
 * kiosk, `visit` names the person's turn at the screen: the server limits
 * wrong codes per visit (429 `rate_limited` with Retry-After, growing).
 */
export function lookupCode(code: string, visit?: string): Promise<LookupResult> {
  return request<LookupResult>('POST', '/api/register/lookup', { body: visit ? { code, visit } : { code } });
}

/** A catalog entry (card type, industry) named in both languages. */
export interface CatalogName {
  code: string;
  nameSv: string;
  nameEn: string;
}

export interface InvitationSummary {
  email: string;
  company: string;
  cardType: CatalogName;
  industry: CatalogName | null;
  language: string;
  expiresAt: string;
}

/** The steps the server knows; `step` is the first one not yet completed. */
export type Step = 'method' | 'personal' | 'photo' | 'delivery' | 'review';
export type Method = 'manual' | 'bankid';

export interface Personal {
  firstName: string;
  lastName: string;
  hasPersonnummer: boolean;
  personnummer: string;
  /** YYYY-MM-DD, only without personnummer. */
  birthDate: string;
  /** ISO 3166-1 alpha-2, only without personnummer. */
  nationality: string;
  idNumber: string;
  phone: string;
  /** Name and personnummer come from BankID: shown read-only, only the phone is asked. */
  locked?: boolean;
  /** BankID also checked the passport or ID card. */
  passportChecked?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export type PhotoProblemCode =
  | 'no_face'
  | 'several_faces'
  | 'head_cut'
  | 'not_centred'
  | 'too_far'
  | 'too_close'
  | 'too_dark'
  | 'too_bright';

export interface PhotoProblem {
  code: PhotoProblemCode | string;
  blocking: boolean;
}

export interface PhotoState {
  /** Changes on every upload and crop: the cache buster for the images. */
  version: number;
  /** The upright source image, in the pixels crops are given in. */
  source: Size;
  /** 35:45, in source pixels. */
  crop: Rect;
  face: Rect | null;
  check: { ok: boolean; problems: PhotoProblem[] };
  /** The final card photo exists. */
  rendered: boolean;
}

export interface Address {
  name: string;
  careOf: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface Delivery {
  useCompany: boolean;
  address: Address;
}

export interface IdentityPartner {
  name: string;
  url: string;
}

export interface Session {
  invitation: InvitationSummary;
  step: Step;
  method: '' | Method;
  personal: Personal | null;
  photo: PhotoState | null;
  delivery: Delivery | null;
  companyAddress: Address | null;
  bankid: { available: boolean; reason?: string };
  identityPartner: IdentityPartner;
  kiosk: boolean;
}

export interface ConfirmResult {
  orderId: string;
  registeredAt: string;
  identityCheck: 'pending_partner' | 'bankid' | 'bankid_passport' | string;
  identityPartner: IdentityPartner;
  email: string;
}

export interface Country {
  code: string;
  name: string;
}

/** Largest photo the server takes (10 MiB). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

type Raw = Record<string, unknown>;

function obj(v: unknown): Raw | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function rect(v: unknown): Rect | null {
  const r = obj(v);
  return r ? { x: num(r.x), y: num(r.y), width: num(r.width), height: num(r.height) } : null;
}

/**
 * The photo state in the contract's shape. Also reads the flat shape the
 * backend answered with at first (`sourceWidth`/`sourceHeight`, `ok` and
 * `problems` at the top level) so both work.
 */
export function normalizePhoto(v: unknown): PhotoState | null {
  const p = obj(v);
  if (!p) return null;
  const src = obj(p.source);
  const check = obj(p.check);
  const problems = (Array.isArray(check?.problems) ? check.problems : Array.isArray(p.problems) ? p.problems : [])
    .map(obj)
    .filter((x): x is Raw => x !== null)
    .map((x) => ({ code: str(x.code), blocking: x.blocking === true }));
  const ok = typeof check?.ok === 'boolean' ? check.ok : typeof p.ok === 'boolean' ? p.ok : problems.length === 0;
  return {
    version: num(p.version),
    source: src ? { width: num(src.width), height: num(src.height) } : { width: num(p.sourceWidth), height: num(p.sourceHeight) },
    crop: rect(p.crop) ?? { x: 0, y: 0, width: 0, height: 0 },
    face: rect(p.face),
    check: { ok, problems },
    rendered: p.rendered === true,
  };
}

/** Personal data with every field present (the server leaves out empty ones). */
function normalizePersonal(v: unknown): Personal | null {
  const p = obj(v);
  if (!p) return null;
  return {
    firstName: str(p.firstName),
    lastName: str(p.lastName),
    hasPersonnummer: p.hasPersonnummer === true,
    personnummer: str(p.personnummer),
    birthDate: str(p.birthDate),
    nationality: str(p.nationality),
    idNumber: str(p.idNumber),
    phone: str(p.phone),
    locked: p.locked === true,
    passportChecked: p.passportChecked === true,
  };
}

/** A Session as the UI uses it, whatever optional parts the server left out. */
export function normalizeSession(v: unknown): Session {
  const s = (obj(v) ?? {}) as Raw & Partial<Session>;
  const bankid = obj(s.bankid);
  const partner = obj(s.identityPartner);
  return {
    ...(s as Session),
    method: s.method === 'manual' || s.method === 'bankid' ? s.method : '',
    personal: normalizePersonal(s.personal),
    photo: normalizePhoto(s.photo),
    delivery: s.delivery ?? null,
    companyAddress: s.companyAddress ?? null,
    bankid: { available: bankid?.available === true, reason: str(bankid?.reason) || undefined },
    identityPartner: { name: str(partner?.name), url: str(partner?.url) },
    kiosk: s.kiosk === true,
  };
}

/** Countries as `{code, name}` (also read from `{Code, Name}`). */
export function normalizeCountries(v: unknown): Country[] {
  if (!Array.isArray(v)) return [];
  return v
    .map(obj)
    .filter((c): c is Raw => c !== null)
    .map((c) => ({ code: str(c.code) || str(c.Code), name: str(c.name) || str(c.Name) }))
    .filter((c) => c.code !== '');
}

function base(token: string): string {
  return `/api/register/${encodeURIComponent(token)}`;
}

/** Opens the registration: the saved draft and where to resume. */
export function getSession(token: string, signal?: AbortSignal): Promise<Session> {
  return request<unknown>('GET', base(token), { signal }).then(normalizeSession);
}

export function saveMethod(token: string, method: Method): Promise<Session> {
  return request<unknown>('PUT', `${base(token)}/method`, { body: { method } }).then(normalizeSession);
}

export function savePersonal(token: string, personal: Personal): Promise<Session> {
  return request<unknown>('PUT', `${base(token)}/personal`, { body: personal }).then(normalizeSession);
}

/** Uploads a JPEG or PNG as the raw body; the answer has the suggested crop and its check. */
export function uploadPhoto(token: string, file: Blob): Promise<Session> {
  const contentType = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
  return request<unknown>('POST', `${base(token)}/photo`, { raw: { contentType, data: file } }).then(normalizeSession);
}

export function saveCrop(token: string, crop: Rect): Promise<Session> {
  const { x, y, width, height } = crop;
  return request<unknown>('PUT', `${base(token)}/photo/crop`, { body: { x, y, width, height } }).then(normalizeSession);
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
  return request<unknown>('PUT', `${base(token)}/delivery`, { body: delivery }).then(normalizeSession);
}

/** Creates the order. The only call that does. */
export function confirmRegistration(token: string): Promise<ConfirmResult> {
  return request<ConfirmResult>('POST', `${base(token)}/confirm`);
}

export function listCountries(lang: string, signal?: AbortSignal): Promise<Country[]> {
  return request<unknown>('GET', '/api/register/countries', { query: { lang }, signal }).then(normalizeCountries);
}
