// The admin's invitations (internal/httpapi/openapi.json, tag invitations).
import { downloadFile, request } from './client';
import type { components, operations } from './schema';

type Schemas = components['schemas'];
/** The query GET /api/invitations takes. */
type ListQueryParams = NonNullable<operations['listInvitations']['parameters']['query']>;

export type InvitationStatus = Schemas['InvitationStatus'];

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

/** An invitation as the list shows it; lastError says why its mail was not delivered ("" when it was). */
export type InvitationItem = Schemas['Invitation'];

export type SortKey = NonNullable<ListQueryParams['sort']>;
export type SortDir = NonNullable<ListQueryParams['dir']>;

export interface ListParams {
  status?: string;
  cardType?: string;
  q?: string;
  sort?: SortKey;
  dir?: SortDir;
  page?: number;
  pageSize?: number;
}

export type ListResult = Schemas['InvitationList'];

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

/** Downloads the invitations as CSV with the list's filters and order (every page; audited). */
export function exportInvitationsCsv(p: ListParams): Promise<string> {
  const { page: _page, pageSize: _size, ...query } = listQuery(p);
  return downloadFile('/api/invitations.csv', 'invitations.csv', query);
}

export type InvitationRow = Schemas['InvitationRow'];
export type RowError = Schemas['RowError'];
/** One row's check: `errors` maps a field (email, cardType, industry, language, name) to its error. */
export type RowResult = Schemas['RowResult'];
export type ParseCsvResult = Schemas['ParseCSVResult'];

export function parseCsv(text: string): Promise<ParseCsvResult> {
  return request<ParseCsvResult>('POST', '/api/invitations/parse-csv', {
    raw: { contentType: 'text/csv; charset=utf-8', text },
  });
}

export function validateRows(rows: InvitationRow[], signal?: AbortSignal): Promise<Schemas['RowResults']> {
  return request<Schemas['RowResults']>('POST', '/api/invitations/validate', { body: { rows }, signal });
}

export type Created = Schemas['CreatedInvitation'];

export function createInvitations(rows: InvitationRow[], send: boolean): Promise<Schemas['CreateResult']> {
  return request<Schemas['CreateResult']>('POST', '/api/invitations', { body: { rows, send } });
}

export type Action = Schemas['InvitationAction'];
export type InvitationEvent = Schemas['InvitationEvent'];
/** The detail: link is "" once it no longer works (revoked, expired, registered); orderId "" before the registration. */
export type InvitationDetail = Schemas['InvitationDetail'];

function idPath(id: string): string {
  return `/api/invitations/${encodeURIComponent(id)}`;
}

export function getInvitation(id: string): Promise<InvitationDetail> {
  return request<InvitationDetail>('GET', idPath(id));
}

export function invitationAction(id: string, action: 'resend' | 'revoke' | 'send'): Promise<InvitationDetail> {
  return request<InvitationDetail>('POST', `${idPath(id)}/${action}`);
}

export function extendInvitation(id: string, days: number): Promise<InvitationDetail> {
  return request<InvitationDetail>('POST', `${idPath(id)}/extend`, { body: { days } });
}

export function deleteInvitation(id: string): Promise<void> {
  return request<void>('DELETE', idPath(id));
}

/** The QR image is fetched by <img>, same origin as the API. */
export function qrUrl(id: string): string {
  return `${idPath(id)}/qr.png`;
}
