// The audit log (internal/httpapi/openapi.json, GET /api/audit and /api/audit.csv).
import { downloadFile, request } from './client';
import type { components } from './schema';

/** One page of the log, with every action and actor kind for the filters. */
export type AuditList = components['schemas']['AuditList'];
/** One line: who (actorKind, actor) did what (action) to which id (subject), and when. */
export type AuditEntry = AuditList['items'][number];

export const AUDIT_PAGE_SIZE = 50;

/** One page of the log, newest first; query: the filters as GET /api/audit takes them. */
export function listAudit(query: Record<string, string>, page: number, signal?: AbortSignal): Promise<AuditList> {
  return request<AuditList>('GET', '/api/audit', {
    query: { ...query, page: String(Math.max(1, Math.floor(page))), pageSize: String(AUDIT_PAGE_SIZE) },
    signal,
  });
}

/** Downloads the log as CSV with the same filters (the export is audited). */
export function exportAuditCsv(query: Record<string, string>): Promise<string> {
  return downloadFile('/api/audit.csv', 'audit.csv', query);
}
