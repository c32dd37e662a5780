import { request } from './client';
import type { Session } from '../lib/router';

export type { Session };

export function getSession(): Promise<Session> {
  return request<Session>('GET', '/api/session');
}

export function login(password: string): Promise<{ authenticated: boolean }> {
  return request('POST', '/api/login', { body: { password } });
}

export function logout(): Promise<void> {
  return request<void>('POST', '/api/logout');
}

/** Tells the backend the UI has loaded (used by the desktop smoke test). */
export function uiReady(route: string): Promise<void> {
  return request<void>('POST', '/api/ui-ready', { body: { route } });
}

/** Sets the first admin password with the one-time link `serve` printed; logs in. */
export function setupPassword(token: string, password: string): Promise<{ authenticated: boolean }> {
  return request('POST', '/api/setup', { body: { token, password } });
}
