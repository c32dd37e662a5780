// Admin view of confirmed registrations (orders), as in
// /work/notes/register-api.md "Admin".
import { request } from './client';
import type { Address } from './register';

export type OrderStatus = 'ready' | 'sent_to_nexus' | 'rejected_by_nexus' | 'in_production' | 'delivered';

/** Statuses in life-cycle order, the order the list shows their chips. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'ready',
  'sent_to_nexus',
  'rejected_by_nexus',
  'in_production',
  'delivered',
];

export type IdentityCheck = 'pending_partner' | 'done' | 'bankid';

export interface OrderItem {
  id: string;
  invitationId: string;
  firstName: string;
  lastName: string;
  email: string;
  cardType: string;
  industry: string;
  status: OrderStatus | string;
  identityMethod: 'manual' | 'bankid' | string;
  identityCheck: IdentityCheck | string;
  registeredAt: string;
  registeredWhere: 'web' | 'kiosk' | string;
  /** The name on the order is not the name the admin gave the invitation. */
  nameMismatch: boolean;
  /** The invitation's name ("" when it had none). */
  invitationName: string;
}

/** The detail adds personal data; the server leaves out empty fields. */
export interface OrderDetail extends OrderItem {
  personnummer?: string;
  birthDate?: string;
  nationality?: string;
  idNumber?: string;
  phone?: string;
  delivery?: { useCompany: boolean; address: Address };
  language?: string;
  /** RFC 3339; absent while the check is pending. */
  identityCheckedAt?: string;
  /** RFC 3339: when the retention time deleted the personal data and photo. */
  purgedAt?: string;
}

export interface OrderList {
  items: OrderItem[];
  total: number;
  page: number;
  pageSize: number;
  counts: Record<string, number>;
}

export interface OrderListParams {
  status?: string;
  q?: string;
  page?: number;
}

/** Query parameters for GET /api/orders; empty filters are left out. */
export function orderQuery(p: OrderListParams): Record<string, string> {
  const q: Record<string, string> = {};
  if (p.status) q.status = p.status;
  const text = p.q?.trim();
  if (text) q.q = text;
  q.page = String(Math.max(1, Math.floor(p.page ?? 1)));
  return q;
}

function idPath(id: string): string {
  return `/api/orders/${encodeURIComponent(id)}`;
}

export function listOrders(p: OrderListParams, signal?: AbortSignal): Promise<OrderList> {
  return request<OrderList>('GET', '/api/orders', { query: orderQuery(p), signal });
}

export function getOrder(id: string): Promise<OrderDetail> {
  return request<OrderDetail>('GET', idPath(id));
}

/** Records that the scanning partner has checked the cardholder's ID. */
export function markIdentityChecked(id: string): Promise<OrderDetail> {
  return request<OrderDetail>('POST', `${idPath(id)}/identity-check`, { body: {} });
}

export function orderPhotoUrl(id: string): string {
  return `${idPath(id)}/photo.jpg`;
}

/** 140 px wide. */
export function orderThumbUrl(id: string): string {
  return `${idPath(id)}/thumb.jpg`;
}
