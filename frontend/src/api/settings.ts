import { request } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];

export type SettingDef = Schemas['SettingDef'];
export type SettingKind = SettingDef['kind'];
export type SettingsState = Schemas['Settings'];

/** What the server shows for a secret that is stored. */
export const SECRET_SET = '(set)';

export function getSettings(): Promise<SettingsState> {
  return request<SettingsState>('GET', '/api/settings');
}

export function saveSettings(values: Record<string, string>): Promise<SettingsState> {
  return request<SettingsState>('PUT', '/api/settings', { body: { values } });
}

export function sendTestMail(to: string): Promise<Schemas['TestMailResult']> {
  return request<Schemas['TestMailResult']>('POST', '/api/settings/test-mail', { body: { to } });
}
