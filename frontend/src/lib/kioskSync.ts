// Pure helpers of the kiosk's sync view (components/kiosk/KioskSyncAdmin).
import type { ExportFolder, KioskSync } from '../api/kioskSync';
import type { MessageKey, Params } from './i18n';

/** The plural key base and count for how long ago something happened. */
export function ageOf(seconds: number): { base: string; count: number } {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 3600) return { base: 'kioskSync.age.minutes', count: Math.floor(s / 60) };
  if (s < 2 * 86400) return { base: 'kioskSync.age.hours', count: Math.floor(s / 3600) };
  return { base: 'kioskSync.age.days', count: Math.floor(s / 86400) };
}

/** Minutes of the clock difference the status warns about (rounded, never negative). */
export function skewMinutes(clockSkewSeconds: number): number {
  return Math.round(Math.abs(clockSkewSeconds) / 60);
}

/** The folder offered first: the first removable drive, else the first folder. */
export function defaultFolder(folders: readonly ExportFolder[]): string {
  return (folders.find((f) => f.removable) ?? folders[0])?.path ?? '';
}

/** Error codes whose server message is the sentence to show (a refused file says exactly why). */
const SERVER_SENTENCE = new Set(['invalid', 'conflict', 'not_configured', 'too_large']);

/** Whether to show the server's own sentence for an error. */
export function showServerSentence(err: { code: string; message: string; status: number }): boolean {
  return err.status > 0 && SERVER_SENTENCE.has(err.code) && err.message !== '';
}

/** The bundle file's name without its folder, for the "saved in" sentence. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/** The settings the kiosk's Mail view edits: its relay, then its mailbox (internal/httpapi KioskMailSettings). */
export const RELAY_KEYS = ['smtp.host', 'smtp.port', 'smtp.security', 'smtp.username', 'smtp.password', 'smtp.from'] as const;
export const MAILBOX_KEYS = ['sync.imap.host', 'sync.imap.port', 'sync.imap.security', 'sync.imap.username', 'sync.imap.password'] as const;

export const isPasswordKey = (key: string): boolean => key.endsWith('.password');

/** The form's starting values: the server's, with every password empty (it is never echoed; "(set)" is shown beside it). */
export function mailFormValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...RELAY_KEYS, ...MAILBOX_KEYS]) out[k] = isPasswordKey(k) ? '' : (values[k] ?? '');
  return out;
}

/** What to send: the values that changed (trimmed), and a password only when one was typed. */
export function mailChanges(original: Record<string, string>, edited: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...RELAY_KEYS, ...MAILBOX_KEYS]) {
    const v = edited[k] ?? '';
    if (isPasswordKey(k)) {
      if (v !== '') out[k] = v;
      continue;
    }
    if (v.trim() !== (original[k] ?? '')) out[k] = v.trim();
  }
  return out;
}

/**
 * The last site pack in the status: "Nummer 3, inläst 5 dec. 06:20 (2
 * timmar sedan)", and "(nyss)" within its first minute instead of "(0
 * minuter sedan)".
 */
export function lastPackText(
  seq: number,
  when: string,
  ageSeconds: number,
  t: (key: MessageKey, params?: Params) => string,
  tp: (base: string, count: number) => string,
): string {
  const age = ageOf(ageSeconds);
  if (age.count === 0) return t('kioskSync.lastPackValueNow', { seq, when });
  return t('kioskSync.lastPackValue', { seq, when, age: tp(age.base, age.count) });
}

/**
 * What the kiosk says after a site pack was applied: "Site pack 3 applied:
 * 1 invitation, 1 revoked, 2 registrations acknowledged and deleted." Each
 * count in its own plural form (tp), not "1 invitations".
 */
export function sitePackAppliedText(
  a: { seq: number; invitations: number; revoked: number; forgotten: number },
  t: (key: MessageKey, params?: Params) => string,
  tp: (base: string, count: number) => string,
): string {
  return t('kioskSync.import.done', {
    seq: a.seq,
    invitations: tp('kioskSync.import.invitations', a.invitations),
    revoked: tp('kioskSync.import.revoked', a.revoked),
    forgotten: tp('kioskSync.import.forgotten', a.forgotten),
  });
}

/** What a half-filled mail transport lacks (KioskMail.missing), as the translation to show beside "Off", or '' when nothing was begun. */
export function missingText(missing: readonly string[] | undefined, side: 'send' | 'collect', t: (key: MessageKey, params?: Params) => string): string {
  const keys = (missing ?? []).filter((k) => (side === 'send' ? k.startsWith('smtp.') || k === 'syncAddress' : k.startsWith('sync.imap.')));
  if (keys.length === 0) return '';
  if (keys.includes('syncAddress')) return t('kioskSync.mail.noSyncAddress');
  const fields = keys.map((k) => t(`kioskSync.mail.${k.slice(k.lastIndexOf('.') + 1)}` as MessageKey)).join(', ');
  return t('kioskSync.mail.offMissing', { fields });
}

/** The last refused site pack worth showing: one refused after the last pack that applied (or with none applied), else null. */
export function packRefusalToShow(st: Pick<KioskSync, 'sitePackRefusal' | 'sitePackAppliedAt'>): NonNullable<KioskSync['sitePackRefusal']> | null {
  const r = st.sitePackRefusal;
  if (!r) return null;
  if (st.sitePackAppliedAt && Date.parse(st.sitePackAppliedAt) > Date.parse(r.at)) return null;
  return r;
}
