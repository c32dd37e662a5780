import { request } from './client';

export interface OutboxStatus {
  configured: boolean;
  pending: number;
  failed: number;
  /** The latest failure, in the language of the request, with its code and the server's own words. */
  lastError?: string;
  lastErrorCode?: string;
  lastErrorDetail?: string;
}

export function getOutboxStatus(): Promise<OutboxStatus> {
  return request('GET', '/api/outbox/status');
}
