// Pure helpers of the admin's order screens.
import { ORDER_STATUSES, type OrderItem } from '../api/orders';
import type { MessageKey } from './i18n';

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
