// Batches of orders sent to Nexus (internal/httpapi/openapi.json, tag nexus).
import { downloadFile, request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type NexusBatch = Schemas['NexusBatch'];
export type NexusBatchList = Schemas['NexusBatchList'];
export type NexusBatchDetail = Schemas['NexusBatchDetail'];
export type NexusBatchCreateResult = Schemas['NexusBatchCreateResult'];

export const BATCH_PAGE_SIZE = 50;

function idPath(id: string): string {
  return `/api/nexus/batches/${encodeURIComponent(id)}`;
}

export function listBatches(page: number, signal?: AbortSignal): Promise<NexusBatchList> {
  return request<NexusBatchList>('GET', '/api/nexus/batches', {
    query: { page: String(Math.max(1, Math.floor(page))), pageSize: String(BATCH_PAGE_SIZE) },
    signal,
  });
}

export function getBatch(id: string): Promise<NexusBatchDetail> {
  return request<NexusBatchDetail>('GET', idPath(id));
}

/** Sends orders to Nexus; no ids: every ready order. */
export function createBatches(orderIds: string[] = []): Promise<NexusBatchCreateResult> {
  return request<NexusBatchCreateResult>('POST', '/api/nexus/batches', { body: orderIds.length > 0 ? { orderIds } : {} });
}

/** Downloads the batch's import zip again (it holds personal data; audited). */
export function downloadBatch(id: string): Promise<string> {
  return downloadFile(`${idPath(id)}/download`, `id06-nexus-${id}.zip`);
}
