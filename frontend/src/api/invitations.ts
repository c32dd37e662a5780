import { request } from './client';

export type InvitationStatus =
  | 'draft'
  | 'queued'
  | 'sent'
  | 'opened'
  | 'registered'
  | 'ready'
  | 'sent_to_nexus'
  | 'rejected_by_nexus'
  | 'in_production'
  | 'delivered'
  | 'expired'
  | 'revoked'
  | 'bounced'
  | 'failed';

/** Statuses in the order the list shows their count chips. */
export const STATUSES: readonly InvitationStatus[] = [
  'draft',
  'queued',
  'sent',
  'failed',
  'bounced',
  'opened',
  'registered',
  'ready',
  'sent_to_nexus',
  'rejected_by_nexus',
  'in_production',
  'delivered',
  'expired',
  'revoked',
];

export interface InvitationItem {
  id: string;
  code: string;
  email: string;
  name: string;
  cardType: string;
  industry: string;
  language: string;
  status: InvitationStatus | string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  /** Why the mail was not delivered, in the language of the request. */
  lastError?: string;
  /** Its stable code, e.g. `recipient_refused`. */
  lastErrorCode?: string;
  /** The mail server's own words (technical, not translated). */
  lastErrorDetail?: string;
}

export type SortKey = 'created' | 'email' | 'status' | 'expires';
export type SortDir = 'asc' | 'desc';

export interface ListParams {
  status?: string;
  cardType?: string;
  q?: string;
  sort?: SortKey;
  dir?: SortDir;
  page?: number;
  pageSize?: number;
}

export interface ListResult {
  items: InvitationItem[];
  total: number;
  page: number;
  pageSize: number;
  counts: Record<string, number>;
}

/** Query parameters for GET /api/invitations; empty filters are left out. */
export function listQuery(p: ListParams): Record<string, string> {
  const q: Record<string, string> = {};
  if (p.status) q.status = p.status;
  if (p.cardType) q.cardType = p.cardType;
  const text = p.q?.trim();
  if (text) q.q = text;
  q.sort = p.sort ?? 'created';
  q.dir = p.dir ?? 'desc';
  q.page = String(Math.max(1, Math.floor(p.page ?? 1)));
  q.pageSize = String(p.pageSize ?? 50);
  return q;
}

export function listInvitations(p: ListParams, signal?: AbortSignal): Promise<ListResult> {
  return request<ListResult>('GET', '/api/invitations', { query: listQuery(p), signal });
}

export interface InvitationRow {
  email: string;
  cardType: string;
  industry: string;
  language: string;
  name: string;
}

export interface RowError {
  code: string;
  message: string;
}

export interface RowResult {
  index: number;
  ok: boolean;
  /** Field name (email, cardType, industry, language, name) -> error. */
  errors: Record<string, RowError | string>;
}

export interface ParseCsvResult {
  rows: InvitationRow[];
  errors: Array<{ line: number; message: string }>;
}

export function parseCsv(text: string): Promise<ParseCsvResult> {
  return request<ParseCsvResult>('POST', '/api/invitations/parse-csv', {
    raw: { contentType: 'text/csv; charset=utf-8', text },
  });
}

export function validateRows(rows: InvitationRow[], signal?: AbortSignal): Promise<{ rows: RowResult[] }> {
  return request('POST', '/api/invitations/validate', { body: { rows }, signal });
}

export interface Created {
  id: string;
  code: string;
  email: string;
  status: string;
  link: string;
}

export function createInvitations(rows: InvitationRow[], send: boolean): Promise<{ created: Created[] }> {
  return request('POST', '/api/invitations', { body: { rows, send } });
}

export type Action = 'resend' | 'revoke' | 'extend' | 'send' | 'delete';

export interface InvitationEvent {
  at: string;
  kind: string;
  /** For mail failures: why, in the language of the request. */
  message?: string;
  /** As recorded: a mail server's reply, a date. */
  detail?: string;
}

export interface InvitationDetail extends InvitationItem {
  /** "" once the link no longer works (revoked, expired, registered). */
  link: string;
  /** The order the registration became; "" before that. */
  orderId: string;
  actions: Action[];
  events: InvitationEvent[];
}

function idPath(id: string): string {
  return `/api/invitations/${encodeURIComponent(id)}`;
}

export function getInvitation(id: string): Promise<InvitationDetail> {
  return request('GET', idPath(id));
}

export function invitationAction(id: string, action: 'resend' | 'revoke' | 'send'): Promise<InvitationDetail> {
  return request('POST', `${idPath(id)}/${action}`);
}

export function extendInvitation(id: string, days: number): Promise<InvitationDetail> {
  return request('POST', `${idPath(id)}/extend`, { body: { days } });
}

export function deleteInvitation(id: string): Promise<void> {
  return request('DELETE', idPath(id));
}

/** The QR image is fetched by <img>, same origin as the API. */
export function qrUrl(id: string): string {
  return `${idPath(id)}/qr.png`;
}
