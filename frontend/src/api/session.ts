import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

/** Who is asking: the host mode, kiosk, whether logged in, and whether this screen may use the kiosk camera (station). */
export type Session = Schemas['AdminSession'];
export type LoginResult = Schemas['LoginResult'];

export function getSession(): Promise<Session> {
  return request<Session>('GET', '/api/session');
}

export function login(password: string): Promise<LoginResult> {
  return request<LoginResult>('POST', '/api/login', { body: { password } });
}

export function logout(): Promise<void> {
  return request<void>('POST', '/api/logout');
}

/** Tells the backend the UI has loaded (used by the desktop smoke test). */
export function uiReady(route: string): Promise<void> {
  return request<void>('POST', '/api/ui-ready', { body: { route } });
}

/** Sets the first admin password with the one-time link `serve` printed; logs in. */
export function setupPassword(token: string, password: string): Promise<LoginResult> {
  return request<LoginResult>('POST', '/api/setup', { body: { token, password } });
}
