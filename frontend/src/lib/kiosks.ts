// The page logic of Kiosks & sync: a kiosk's state and which file it needs
// next, the file dropped for import, and the result of an import in words.
import type { ConsoleMailKiosk, ConsoleMailRound, SyncImportResult, SyncKiosk, SyncMailProblem } from '../api/sync';

export type KioskState = 'revoked' | 'joined' | 'waiting';

/** revoked; joined (its first bundle proved the pairing); waiting for its first bundle. */
export function kioskState(k: Pick<SyncKiosk, 'revokedAt' | 'joined'>): KioskState {
  if (k.revokedAt) return 'revoked';
  return k.joined ? 'joined' : 'waiting';
}

/** The one file to import from a drop or a file picker; null when there is none or more than one. */
export function bundleFile(files: ArrayLike<File> | null | undefined): File | null {
  if (!files || files.length !== 1) return null;
  return files[0];
}

/** The counts of an import worth showing, in a fixed order, zeros left out (applied always shown); none for a bundle with no registrations (a kiosk's first, or one exported with nothing pending). */
export function importCounts(r: Pick<SyncImportResult, 'applied' | 'already' | 'conflicts' | 'refused'>): { key: 'applied' | 'already' | 'conflicts' | 'refused'; n: number }[] {
  const all = [
    { key: 'applied' as const, n: r.applied },
    { key: 'already' as const, n: r.already },
    { key: 'conflicts' as const, n: r.conflicts },
    { key: 'refused' as const, n: r.refused },
  ];
  if (all.every((c) => c.n === 0)) return [];
  return all.filter((c) => c.key === 'applied' || c.n > 0);
}

/** The kind of notice an import result gets: ok when everything was applied or already there. */
export function importTone(r: Pick<SyncImportResult, 'conflicts' | 'refused'>): 'ok' | 'warn' {
  return r.conflicts > 0 || r.refused > 0 ? 'warn' : 'ok';
}

// Sync by mail (issue 14).

/** Each kiosk's mail status by kiosk id (GET /api/sync/mail's kiosks), to show beside GET /api/sync/kiosks' rows. */
export function mailByKiosk(kiosks: readonly ConsoleMailKiosk[] | null | undefined): Map<string, ConsoleMailKiosk> {
  return new Map((kiosks ?? []).map((k) => [k.id, k]));
}

/** A time the server sends as Go's zero time when it never happened: null then. */
export function when(at: string | null | undefined): Date | null {
  if (!at) return null;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000 ? null : d;
}

export type RoundCount = 'mailsSeen' | 'bundlesImported' | 'applied' | 'mailsRefused' | 'packsQueued';

/** What a mail round did, in a fixed order, zeros left out (nothing: an empty list). */
export function roundCounts(r: Pick<ConsoleMailRound, RoundCount>): { key: RoundCount; n: number }[] {
  const keys: RoundCount[] = ['mailsSeen', 'bundlesImported', 'applied', 'mailsRefused', 'packsQueued'];
  return keys.map((key) => ({ key, n: r[key] })).filter((c) => c.n > 0);
}

/** A round's problem in the UI's language. */
export function problemText(p: SyncMailProblem, locale: string): string {
  return locale === 'en' ? p.en : p.sv;
}

/** A kiosk's last mail error in the UI's language; '' when it has none. */
export function mailErrorText(km: Pick<ConsoleMailKiosk, 'lastMailError'>, locale: string): string {
  return km.lastMailError ? problemText(km.lastMailError, locale) : '';
}
