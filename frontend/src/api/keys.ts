import { request } from './client';
import type { components } from './schema';

export type SigningKey = components['schemas']['SigningKey'];
export type KeyList = components['schemas']['KeyList'];

/** The keys that sign and verify invitation links. */
export function listKeys(): Promise<KeyList> {
  return request<KeyList>('GET', '/api/keys');
}

/** Makes a new signing key; earlier links keep verifying. */
export function rotateKey(): Promise<KeyList> {
  return request<KeyList>('POST', '/api/keys/rotate');
}
