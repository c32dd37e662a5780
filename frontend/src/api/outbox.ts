import { request } from './client';
import type { components } from './schema';

/**
 * The mail queue: lastError is the latest failure in the language of the
 * request ("" when none), with its code and the mail server's own words.
 */
export type OutboxStatus = components['schemas']['OutboxStatus'];

export function getOutboxStatus(): Promise<OutboxStatus> {
  return request<OutboxStatus>('GET', '/api/outbox/status');
}
