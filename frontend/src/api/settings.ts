import { request } from './client';

export type SettingKind = 'text' | 'int' | 'choice' | 'email' | 'emails' | 'url' | 'orgnr' | 'secret';

export interface SettingDef {
  key: string;
  kind: SettingKind | string;
  default?: string;
  choices?: string[];
  help?: string;
}

export interface SettingsState {
  values: Record<string, string>;
  defs: SettingDef[];
}

/** What the server shows for a secret that is stored. */
export const SECRET_SET = '(set)';

export function getSettings(): Promise<SettingsState> {
  return request('GET', '/api/settings');
}

export function saveSettings(values: Record<string, string>): Promise<SettingsState> {
  return request('PUT', '/api/settings', { body: { values } });
}

export function sendTestMail(to: string): Promise<{ reply: string }> {
  return request('POST', '/api/settings/test-mail', { body: { to } });
}
