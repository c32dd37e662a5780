// Pure helpers for the Settings screens.
import type { SettingDef, SettingsState } from '../api/settings';

/** What a Settings tab with its own part of the settings form gets from the Settings page. */
export interface SettingsTabProps {
  /** The settings as loaded (null until they are). */
  state: SettingsState | null;
  /** The setting keys the tab's form shows. */
  keys: string[];
  /** The form saved: the settings as the server now has them. */
  onsaved: (s: SettingsState) => void;
}

export interface SecretEdit {
  /** What the user typed; "" means leave unchanged. */
  typed: string;
  /** The user asked to remove the stored secret. */
  remove: boolean;
}

/**
 * The keys whose value differs from what the server sent, with the new value.
 * Secrets are sent only when something was typed, or "" when removed.
 */
export function changedValues(
  defs: readonly SettingDef[],
  original: Record<string, string>,
  current: Record<string, string>,
  secrets: Record<string, SecretEdit> = {},
  keys?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of defs) {
    if (keys && !keys.includes(d.key)) continue;
    if (d.kind === 'secret') {
      const s = secrets[d.key];
      if (s?.typed) out[d.key] = s.typed;
      else if (s?.remove) out[d.key] = '';
      continue;
    }
    const before = original[d.key] ?? '';
    const after = current[d.key] ?? '';
    if (after !== before) out[d.key] = after;
  }
  return out;
}

export type SettingsSection = 'company' | 'email' | 'kiosk' | 'bankid' | 'nexus' | 'sync' | 'backup';

/** Which settings section a key belongs to. */
export function sectionOf(key: string): SettingsSection {
  if (key.startsWith('smtp.')) return 'email';
  if (key.startsWith('nexus.')) return 'nexus';
  if (key.startsWith('sync.')) return 'sync';
  if (key.startsWith('backup.')) return 'backup';
  if (key.startsWith('kiosk.') || key.startsWith('camera.')) return 'kiosk';
  if (key.startsWith('bankid.')) return 'bankid';
  return 'company';
}

/** A PIN that leaves kiosk mode: 4–12 digits, typed the same twice. */
export function pinProblem(pin: string, repeat: string): 'format' | 'mismatch' | null {
  if (!/^\d{4,12}$/.test(pin)) return 'format';
  if (pin !== repeat) return 'mismatch';
  return null;
}

/** Field errors whose key is one of `keys`, and those that are not. */
export function splitFieldErrors(
  fields: Record<string, string> | undefined,
  keys: readonly string[],
): { known: Record<string, string>; other: Record<string, string> } {
  const known: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    (keys.includes(k) ? known : other)[k] = v;
  }
  return { known, other };
}

/** A DOM id for a setting's input. */
export function fieldId(key: string): string {
  return 'set-' + key.replace(/[^a-zA-Z0-9_-]/g, '-');
}

/**
 * Whether a field of Settings → Nexus applies to the values as edited: the
 * mail fields only when batches are mailed.
 */
export function nexusFieldShown(key: string, values: Record<string, string>): boolean {
  if (key === 'nexus.mail_to' || key === 'nexus.mail_max_mb') return values['nexus.channel'] === 'mail';
  return true;
}

/**
 * Whether a field of Settings → Sync applies to the values as edited: the
 * mailbox (IMAP) fields only when bundles are collected from a mailbox, the
 * receiver's only when the console runs its own SMTP receiver.
 */
export function syncFieldShown(key: string, values: Record<string, string>): boolean {
  const transport = values['sync.transport'] || 'file';
  if (key.startsWith('sync.imap.')) return transport === 'imap';
  if (key.startsWith('sync.receiver.')) return transport === 'receiver';
  return true;
}

/**
 * Whether a field of Settings → Backup applies to the values as edited:
 * the passphrase or the public key, as the encryption says; the hour only
 * for the daily schedule.
 */
export function backupFieldShown(key: string, values: Record<string, string>): boolean {
  const encryption = values['backup.encryption'] || 'passphrase';
  if (key === 'backup.passphrase') return encryption === 'passphrase';
  if (key === 'backup.recipient') return encryption === 'recipient';
  if (key === 'backup.hour') return (values['backup.schedule'] || 'daily') === 'daily';
  return true;
}
