// The page logic of Kiosks & sync: a kiosk's state and which file it needs
// next, the file dropped for import, and the result of an import in words.
import type { SyncImportResult, SyncKiosk } from '../api/sync';

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

/** The counts of an import worth showing, in a fixed order, zeros left out (applied always shown). */
export function importCounts(r: Pick<SyncImportResult, 'applied' | 'already' | 'conflicts' | 'refused'>): { key: 'applied' | 'already' | 'conflicts' | 'refused'; n: number }[] {
  const all = [
    { key: 'applied' as const, n: r.applied },
    { key: 'already' as const, n: r.already },
    { key: 'conflicts' as const, n: r.conflicts },
    { key: 'refused' as const, n: r.refused },
  ];
  return all.filter((c) => c.key === 'applied' || c.n > 0);
}

/** The kind of notice an import result gets: ok when everything was applied or already there. */
export function importTone(r: Pick<SyncImportResult, 'conflicts' | 'refused'>): 'ok' | 'warn' {
  return r.conflicts > 0 || r.refused > 0 ? 'warn' : 'ok';
}
