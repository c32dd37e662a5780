import { request } from './client';

export interface Health {
  status: 'ok' | 'degraded' | string;
  version: string;
  database: { ok: boolean; path?: string; schemaVersion?: number; error?: string };
  dataDir: string;
  mode: 'window' | 'serve' | string;
}

/** GET /api/health. A degraded answer (HTTP 503) is returned, not thrown. */
export function getHealth(): Promise<Health> {
  return request<Health>('GET', '/api/health', { acceptStatus: [503] });
}
