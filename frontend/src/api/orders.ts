// Admin view of confirmed registrations (orders): internal/httpapi/openapi.json, tag orders.
import { downloadFile, request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type OrderStatus = Schemas['OrderStatus'];

/** Statuses in life-cycle order, the order the list shows their chips. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'ready',
  'reopened',
  'sent_to_nexus',
  'rejected_by_nexus',
  'in_production',
  'delivered',
  'cancelled',
];

/** The statuses an admin records (Nexus's answer, or a cancellation). */
export type RecordableStatus = Schemas['RecordableStatus'];
export const RECORDABLE_STATUSES: readonly RecordableStatus[] = ['rejected_by_nexus', 'in_production', 'delivered', 'cancelled'];

export type ReopenReason = Schemas['ReopenReason'];
export const REOPEN_REASONS: readonly ReopenReason[] = ['photo_not_accepted', 'name_misspelt', 'address_wrong', 'other'];

export type OrderEvent = Schemas['OrderEvent'];
export type OrderActions = Schemas['OrderAction'];
export type IdentityProof = Schemas['IdentityProof'];
export type OrderEditInput = Schemas['OrderEditInput'];
export type RejectInput = Schemas['RejectInput'];
export type OrderStatusInput = Schemas['OrderStatusInput'];
export type OrderStatusResult = Schemas['OrderStatusResult'];

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
  cardType?: string;
  industry?: string;
  /** web or kiosk. */
  where?: string;
  /** Registered on or after this day (YYYY-MM-DD). */
  from?: string;
  /** Registered on or before this day (YYYY-MM-DD). */
  to?: string;
  page?: number;
}

/** The list's filter keys, in the hash query and in the API's query alike. */
export const ORDER_FILTERS = ['status', 'cardType', 'industry', 'where', 'from', 'to', 'q'] as const;

function filterQuery(p: OrderListParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of ORDER_FILTERS) {
    const v = p[k]?.trim();
    if (v) q[k] = v;
  }
  return q;
}

/** Query parameters for GET /api/orders; empty filters are left out. */
export function orderQuery(p: OrderListParams): Record<string, string> {
  const q = filterQuery(p);
  q.page = String(Math.max(1, Math.floor(p.page ?? 1)));
  return q;
}

/**
 * The CSV export's query: the list's filters (no paging); with personnummer
 * the identity columns are added and the export is audited so.
 */
export function ordersCsvQuery(p: OrderListParams, personnummer: boolean): Record<string, string> {
  const q = filterQuery(p);
  if (personnummer) q.personnummer = '1';
  return q;
}

/** Downloads the CSV of the orders the filters select; resolves to the file's name. */
export function exportOrders(p: OrderListParams, personnummer: boolean): Promise<string> {
  return downloadFile('/api/orders.csv', 'orders.csv', ordersCsvQuery(p, personnummer));
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

/** The admin's correction (phone, delivery, cost centre; names while actions.editNames). */
export function editOrder(id: string, input: OrderEditInput): Promise<OrderDetail> {
  return request<OrderDetail>('PATCH', idPath(id), { body: input });
}

/** Sends the order back to the cardholder: a fresh link by mail reopens the registration. */
export function rejectOrder(id: string, input: RejectInput): Promise<OrderDetail> {
  return request<OrderDetail>('POST', `${idPath(id)}/reject`, { body: input });
}

/** Records Nexus's answer (or a cancellation) for one or many orders, all or nothing. */
export function recordOrderStatus(input: OrderStatusInput): Promise<OrderStatusResult> {
  return request<OrderStatusResult>('POST', '/api/orders/status', { body: input });
}

export function orderPhotoUrl(id: string): string {
  return `${idPath(id)}/photo.jpg`;
}

/** 140 px wide. */
export function orderThumbUrl(id: string): string {
  return `${idPath(id)}/thumb.jpg`;
}
