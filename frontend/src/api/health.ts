import { request } from './client';
import type { components } from './schema';

export type Health = components['schemas']['Health'];

/** GET /api/health. A degraded answer (HTTP 503) is returned, not thrown. */
export function getHealth(): Promise<Health> {
  return request<Health>('GET', '/api/health', { acceptStatus: [503] });
}
