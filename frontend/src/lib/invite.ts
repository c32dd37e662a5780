// Pure helpers for the invitation screens. Business rules (what is a valid
// address, what is a duplicate) live in Go; these only shape data for it.
import type { InvitationRow, RowError, RowResult, SortDir, SortKey } from '../api/invitations';
import { translate, type Locale, type MessageKey } from './i18n';

/**
 * Splits pasted text into addresses: one per line, or separated by commas,
 * semicolons or tabs (a column pasted from a spreadsheet). Trims each part
 * and drops empty ones. Duplicates are kept: the server reports them.
 */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\r\n,;\t]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error('chunk size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ChunkProgress {
  done: number;
  total: number;
}

export interface ChunkRun<T, R> {
  /** Everything the successful chunks returned, in order. */
  results: R[];
  /** Number of items whose chunk succeeded. */
  done: number;
  /** The items not handled: the failed chunk and everything after it. */
  remaining: T[];
  /** Offset of the first remaining item in the input. */
  failedAt: number | null;
  error: unknown;
}

/**
 * Sends items in chunks, one after the other, reporting progress after each.
 * Stops at the first failing chunk (the server creates a chunk all or
 * nothing), so the caller can keep the remaining items.
 */
export async function runInChunks<T, R>(
  items: readonly T[],
  size: number,
  send: (chunk: T[], offset: number) => Promise<R[]>,
  onProgress: (p: ChunkProgress) => void = () => {},
): Promise<ChunkRun<T, R>> {
  const results: R[] = [];
  let done = 0;
  onProgress({ done, total: items.length });
  for (const part of chunk(items, size)) {
    try {
      results.push(...(await send(part, done)));
    } catch (error) {
      return { results, done, remaining: items.slice(done), failedAt: done, error };
    }
    done += part.length;
    onProgress({ done, total: items.length });
  }
  return { results, done, remaining: [], failedAt: null, error: null };
}

/** "ABCDEFGHJK" -> "ABCDE-FGHJK" (first half one longer for odd lengths). */
export function formatCode(code: string): string {
  const c = code.replace(/[\s-]+/g, '').toUpperCase();
  if (c.length < 6) return c;
  const half = Math.ceil(c.length / 2);
  return `${c.slice(0, half)}-${c.slice(half)}`;
}

export type RowErrors = Record<string, RowError>;

/** Per-row errors by row index, from a validate (or a failed create) answer. */
export function rowErrorsByIndex(results: readonly RowResult[], offset = 0): Map<number, RowErrors> {
  const out = new Map<number, RowErrors>();
  for (const r of results) {
    if (r.ok) continue;
    const errs: RowErrors = {};
    for (const [field, e] of Object.entries(r.errors ?? {})) errs[field] = e;
    if (Object.keys(errs).length === 0) errs.row = { code: '', message: '' };
    out.set(r.index + offset, errs);
  }
  return out;
}

/** The rows of a 400 answer to POST /api/invitations, if it has them. */
export function rowsFromErrorBody(body: unknown): RowResult[] | null {
  const rows = (body as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as RowResult[]) : null;
}

export function emptyRow(defaults: Partial<InvitationRow> = {}): InvitationRow {
  return { email: '', cardType: '', industry: '', language: '', name: '', ...defaults };
}

/** Clicking a sortable header: same column flips, a new column starts sensibly. */
export function nextSort(cur: { sort: SortKey; dir: SortDir }, col: SortKey): { sort: SortKey; dir: SortDir } {
  if (cur.sort === col) return { sort: col, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  return { sort: col, dir: col === 'created' ? 'desc' : 'asc' };
}

/** First and last item number on a page, for "1–50 of 1 234". */
export function pageRange(page: number, pageSize: number, total: number): { from: number; to: number } {
  if (total <= 0) return { from: 0, to: 0 };
  const from = (page - 1) * pageSize + 1;
  return { from: Math.min(from, total), to: Math.min(page * pageSize, total) };
}

export function pageCount(pageSize: number, total: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Whole days from now until an ISO time (negative when past). */
export function daysUntil(iso: string, now: number = Date.now()): number {
  return Math.ceil((Date.parse(iso) - now) / 86_400_000);
}

/** How many days an invitation can be extended by at once (the server's limits). */
export const EXTEND_DAYS = { min: 1, max: 365 } as const;

/**
 * The message for the "extend by days" field: '' when days can be sent,
 * otherwise the range to use. err is the server's refusal, if any: when it
 * names the days field, its limits are shown (in the UI's language, not the
 * server's English).
 */
export function extendDaysError(
  locale: Locale,
  days: unknown,
  err?: { fields?: Record<string, string>; details?: Record<string, string> } | null,
): string {
  const range = (min: number | string, max: number | string) => translate(locale, 'detail.daysHint', { min, max });
  if (err?.fields?.days) return range(err.details?.min ?? EXTEND_DAYS.min, err.details?.max ?? EXTEND_DAYS.max);
  if (err) return '';
  const ok = typeof days === 'number' && Number.isInteger(days) && days >= EXTEND_DAYS.min && days <= EXTEND_DAYS.max;
  return ok ? '' : range(EXTEND_DAYS.min, EXTEND_DAYS.max);
}

/**
 * The codes a CSV file may use for a catalog list (active entries only),
 * each with its name in the UI's language, for the import hint: the file may
 * give the code or either name.
 */
export function csvCodes(
  list: ReadonlyArray<{ code: string; nameSv: string; nameEn: string; active: boolean }>,
  locale: Locale,
): Array<{ code: string; name: string }> {
  return list.filter((c) => c.active).map((c) => ({ code: c.code, name: locale === 'sv' ? c.nameSv : c.nameEn }));
}

/** Statuses of an invitation whose cardholder has registered (it has an order). */
const REGISTERED_STATUSES = ['registered', 'ready', 'sent_to_nexus', 'rejected_by_nexus', 'in_production', 'delivered'];

/**
 * Why the detail shows no link and QR code, or null when it shows them. The
 * server sends no link for a revoked, expired (also past the expiry before
 * the status says so) or registered invitation.
 */
export function linkGoneKey(inv: { status: string; link: string }): MessageKey | null {
  if (inv.link) return null;
  if (inv.status === 'revoked') return 'detail.linkGone.revoked';
  if (REGISTERED_STATUSES.includes(inv.status)) return 'detail.linkGone.registered';
  return 'detail.linkGone.expired';
}
