// Pure helpers of the admin's order screens.
import { ORDER_STATUSES, type OrderDetail, type OrderEditInput, type OrderEvent, type OrderItem } from '../api/orders';
import type { Address } from '../api/register';
import { errorText, formatDate, hasKey, translate, type Locale, type MessageKey, type ShowableError } from './i18n';

/** The scanning partner when the settings name none (DESIGN.md: default Sistec). */
export const DEFAULT_PARTNER = 'Sistec';

/** The partner's name from the settings values, if a setting holds it. */
export function partnerNameFromSettings(values: Record<string, string> | undefined): string {
  if (!values) return DEFAULT_PARTNER;
  const entry = Object.entries(values).find(
    ([k, v]) => /partner/i.test(k) && /name/i.test(k) && v.trim() !== '',
  );
  return entry ? entry[1].trim() : DEFAULT_PARTNER;
}

export type Tone = 'ok' | 'warn' | 'grey';

export interface Badge {
  key: MessageKey;
  tone: Tone;
}

/** The identity-check badge of an order. */
export function identityBadge(check: string): Badge {
  switch (check) {
    case 'pending_partner':
      return { key: 'orders.identity.pending_partner', tone: 'warn' };
    case 'done':
      return { key: 'orders.identity.done', tone: 'ok' };
    case 'bankid':
      return { key: 'orders.identity.bankid', tone: 'ok' };
    case 'bankid_passport':
      return { key: 'orders.identity.bankid_passport', tone: 'ok' };
    default:
      return { key: 'orders.identity.unknown', tone: 'grey' };
  }
}

export function whereKey(where: string): MessageKey {
  return where === 'kiosk' ? 'orders.where.kiosk' : 'orders.where.web';
}

/** Where an order was registered, with the paired kiosk's name when a bundle brought it ("Kiosk Bygget Norr"). */
export function whereText(locale: Locale, o: Pick<OrderItem, 'registeredWhere' | 'registeredKiosk'>): string {
  if (o.registeredWhere === 'kiosk' && o.registeredKiosk) return translate(locale, 'orders.where.kioskNamed', { name: o.registeredKiosk });
  return translate(locale, whereKey(o.registeredWhere));
}

export function fullName(o: Pick<OrderItem, 'firstName' | 'lastName'>): string {
  return `${o.firstName} ${o.lastName}`.trim();
}

/**
 * The status chips to show: every known status with orders, any status the
 * server counts that the UI does not know yet, and the selected one.
 */
export function chipStatuses(counts: Record<string, number>, selected: string): string[] {
  const known = ORDER_STATUSES.filter((s) => (counts[s] ?? 0) > 0 || s === selected);
  const extra = Object.keys(counts)
    .filter((s) => !(ORDER_STATUSES as readonly string[]).includes(s) && (counts[s] ?? 0) > 0)
    .sort();
  const out: string[] = [...known, ...extra];
  if (selected && !out.includes(selected)) out.push(selected);
  return out;
}

export { totalCount } from './listQuery.svelte';

/**
 * The warning when the name on the order is not the invitation's (the
 * server compares normalised names), or null. Says where the name came from.
 */
export function nameMismatchKey(o: Pick<OrderItem, 'nameMismatch' | 'identityMethod'>): MessageKey | null {
  if (!o.nameMismatch) return null;
  return o.identityMethod === 'bankid' ? 'orders.nameMismatch.bankid' : 'orders.nameMismatch.manual';
}

// ---- The order's timeline -------------------------------------------------

/** One timeline line as the page shows it. */
export interface EventView {
  /** What happened, in words. */
  label: string;
  /** Its detail in words ("" when none): a reason, the fields, a date. */
  detail: string;
  /** The admin's own note, shown as a quote ("" when none). */
  note: string;
  /** The Nexus batch it names, for a link ("" when none). */
  batchId: string;
}

function fieldNames(locale: Locale, csv: string): string {
  return csv
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => {
      const key = `orders.fieldName.${f}`;
      return hasKey(key) ? translate(locale, key) : f;
    })
    .join(', ');
}

function reasonText(locale: Locale, code: string): string {
  const key = `orders.reason.${code}`;
  return hasKey(key) ? translate(locale, key) : code;
}

function dayText(locale: Locale, ymd: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return ymd;
  const d = new Date(ymd + 'T12:00:00');
  return Number.isNaN(d.getTime()) ? ymd : formatDate(locale, d);
}

/**
 * A timeline event in words: its label (`event.<kind>`, the kind itself
 * when the UI does not know it yet) and its detail as each kind records it
 * (internal/invite/invitation.go): fields, a reason code and note, a date,
 * where, a batch id.
 */
export function eventView(locale: Locale, ev: Pick<OrderEvent, 'kind' | 'detail'>): EventView {
  const key = `event.${ev.kind}`;
  const raw = ev.detail ?? '';
  const out: EventView = { label: hasKey(key) ? translate(locale, key, { fields: fieldNames(locale, raw) }) : ev.kind, detail: '', note: '', batchId: '' };
  switch (ev.kind) {
    case 'edited':
      // The fields are in the label.
      if (!hasKey(key)) out.detail = raw;
      break;
    case 'ready_again':
      out.detail = raw ? translate(locale, 'orders.event.changed', { fields: fieldNames(locale, raw) }) : '';
      break;
    case 'rejected_to_cardholder': {
      const i = raw.indexOf(':');
      const code = (i >= 0 ? raw.slice(0, i) : raw).trim();
      out.detail = code ? reasonText(locale, code) : '';
      out.note = i >= 0 ? raw.slice(i + 1).trim() : '';
      break;
    }
    case 'registered':
      out.detail = raw ? translate(locale, whereKey(raw)) : '';
      break;
    case 'delivered':
      out.detail = raw ? dayText(locale, raw) : '';
      break;
    case 'sent_to_nexus':
      out.batchId = raw;
      break;
    case 'rejected_by_nexus':
    case 'cancelled':
      out.note = raw;
      break;
    default:
      out.detail = raw;
  }
  return out;
}

// ---- Identity proof, selection, errors -----------------------------------

/** How the identity was proven, in words: BankID, BankID + passport, manual + the partner. */
export function proofText(locale: Locale, proof: string, partner: string): string {
  const key = `orders.proof.${proof}`;
  return hasKey(key) ? translate(locale, key, { partner: partner || DEFAULT_PARTNER }) : proof;
}

/** Send to Nexus needs a selection of ready orders only. */
export function canSendSelection(statuses: readonly (string | undefined)[]): boolean {
  return statuses.length > 0 && statuses.every((s) => s === 'ready');
}

/**
 * The text of a failed status change or send. A refused move names the
 * orders in the server's own message (in the request's language), so that
 * one is shown rather than the general text of the code.
 */
export function bulkErrorText(locale: Locale, err: ShowableError, context: string): string {
  if ((err.code === 'conflict' || err.code === 'not_found') && err.details?.orders && err.message) return err.message;
  return errorText(locale, err, context);
}

/**
 * A field error of an admin form in words: the field's own text for the
 * code, the code's text, then the server's message (already in the UI's
 * language).
 */
export function orderFieldText(locale: Locale, field: string, code: string | undefined, message: string | undefined): string {
  const keys = code ? [`orders.field.${field}.${code}`, `orders.field.error.${code}`] : [];
  for (const k of keys) if (hasKey(k)) return translate(locale, k);
  if (message) return message;
  const general = `register.code.${code}`;
  return hasKey(general) ? translate(locale, general) : translate(locale, 'register.code.unknown');
}

/** Today as YYYY-MM-DD in local time (the delivery date's default and upper bound). */
export function localDay(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// ---- The admin's correction ----------------------------------------------

/** The edit form's values. */
export interface EditValues {
  firstName: string;
  lastName: string;
  phone: string;
  costCentre: string;
  useCompany: boolean;
  address: Address;
}

/** The form's start: what the order holds now. */
export function editValues(o: Pick<OrderDetail, 'firstName' | 'lastName' | 'phone' | 'costCentre' | 'delivery'>): EditValues {
  const useCompany = o.delivery?.useCompany ?? true;
  const a = o.delivery?.address;
  return {
    firstName: o.firstName,
    lastName: o.lastName,
    phone: o.phone ?? '',
    costCentre: o.costCentre ?? '',
    useCompany,
    address: !useCompany && a ? { ...a } : { name: `${o.firstName} ${o.lastName}`.trim(), careOf: '', street: '', postalCode: '', city: '', country: 'SE' },
  };
}

function sameAddress(a: Address, b: Address | undefined): boolean {
  if (!b) return false;
  return (['name', 'careOf', 'street', 'postalCode', 'city', 'country'] as const).every((k) => a[k].trim() === (b[k] ?? '').trim());
}

/**
 * The PATCH body: only what the admin changed (names only while the
 * server allows it), so the timeline names just those fields; null when
 * nothing changed.
 */
export function editPatch(
  o: Pick<OrderDetail, 'firstName' | 'lastName' | 'phone' | 'costCentre' | 'delivery'>,
  v: EditValues,
  editNames: boolean,
): OrderEditInput | null {
  const patch: OrderEditInput = {};
  if (editNames && v.firstName.trim() !== o.firstName) patch.firstName = v.firstName.trim();
  if (editNames && v.lastName.trim() !== o.lastName) patch.lastName = v.lastName.trim();
  if (v.phone.trim() !== (o.phone ?? '')) patch.phone = v.phone.trim();
  if (v.costCentre.trim() !== (o.costCentre ?? '')) patch.costCentre = v.costCentre.trim();
  const wasCompany = o.delivery?.useCompany ?? true;
  if (v.useCompany && !wasCompany) {
    patch.delivery = { useCompany: true, address: { name: '', careOf: '', street: '', postalCode: '', city: '', country: '' } };
  } else if (!v.useCompany && (wasCompany || !sameAddress(v.address, o.delivery?.address))) {
    const a = v.address;
    patch.delivery = {
      useCompany: false,
      address: { name: a.name.trim(), careOf: a.careOf.trim(), street: a.street.trim(), postalCode: a.postalCode.trim(), city: a.city.trim(), country: a.country.trim() },
    };
  }
  return Object.keys(patch).length > 0 ? patch : null;
}
