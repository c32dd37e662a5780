import { request } from './client';

export interface OutboxStatus {
  configured: boolean;
  pending: number;
  failed: number;
  lastError?: string;
}

export function getOutboxStatus(): Promise<OutboxStatus> {
  return request('GET', '/api/outbox/status');
}
