// Admin view of confirmed registrations (orders): internal/httpapi/openapi.json, tag orders.
import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type OrderStatus = Schemas['OrderStatus'];

/** Statuses in life-cycle order, the order the list shows their chips. */
export const ORDER_STATUSES: readonly OrderStatus[] = ['ready', 'sent_to_nexus', 'rejected_by_nexus', 'in_production', 'delivered'];

export type IdentityCheck = Schemas['IdentityCheck'];

/**
 * An order as the list shows it. nameMismatch: the name on the order is not
 * the name the admin gave the invitation (invitationName, "" when it had none).
 */
export type OrderItem = Schemas['Order'];

/**
 * The detail adds personal data; the server leaves out empty fields.
 * identityCheckedAt is absent while the check is pending; purgedAt is when
 * the retention time deleted the personal data and photo.
 */
export type OrderDetail = Schemas['OrderDetail'];

export type OrderList = Schemas['OrderList'];

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
