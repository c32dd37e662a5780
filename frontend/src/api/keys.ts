import { request } from './client';

export interface SigningKey {
  keyId: string;
  active: boolean;
}

export interface KeyList {
  active: string;
  keys: SigningKey[];
}

/** The keys that sign and verify invitation links. */
export function listKeys(): Promise<KeyList> {
  return request<KeyList>('GET', '/api/keys');
}

/** Makes a new signing key; earlier links keep verifying. */
export function rotateKey(): Promise<KeyList> {
  return request<KeyList>('POST', '/api/keys/rotate');
}
