// Pure helpers of the Nexus batch pages.
import { errorText, type Locale, type MessageKey, type Params, type ShowableError } from './i18n';
import type { NexusBatch } from '../api/nexus';

/**
 * Refusals whose server message names what to fix (whose photo and why,
 * which order is in which batch already, which batch was not delivered).
 * The server writes it in the UI's language (Accept-Language), so it is
 * shown as is; the code's own text is the fallback.
 */
const NAMED = new Set(['nexus_photo', 'nexus_not_ready', 'nexus_delivery_failed', 'nexus_purged']);

export function batchErrorText(locale: Locale, err: ShowableError & { status?: number }): string {
  if (NAMED.has(err.code) && err.message && (err.status ?? 0) > 0) return err.message;
  return errorText(locale, err, 'nexus');
}

/** Where a refusal points: the order it names, the batch it names. */
export function errorLinks(err: { details?: Record<string, string> }): { order: string | null; batch: string | null } {
  const order = err.details?.orderId;
  const batch = err.details?.batchId;
  return {
    order: order ? `/orders/${encodeURIComponent(order)}` : null,
    batch: batch ? `/nexus/batches/${encodeURIComponent(batch)}` : null,
  };
}

export type FileState = 'present' | 'deleted' | 'none';

/** Whether the batch's saved zip is on this computer, was deleted by the retention job, or never was (mailed). */
export function fileState(b: Pick<NexusBatch, 'zipPath' | 'filesDeletedAt'>): FileState {
  if (b.filesDeletedAt) return 'deleted';
  return b.zipPath ? 'present' : 'none';
}

/** What became of each batch of a send: saved where, or mailed to whom. */
export function deliveryLine(b: Pick<NexusBatch, 'id' | 'channel' | 'zipPath' | 'mailedTo' | 'mailCount'>): { key: MessageKey; params: Params } {
  if (b.channel === 'mail') return { key: 'nexus.sent.mailedTo', params: { batch: b.id, to: b.mailedTo ?? '', mails: b.mailCount } };
  return { key: 'nexus.sent.savedTo', params: { batch: b.id, path: b.zipPath ?? '' } };
}

/** A file size as people read it: "840 kB", "12.3 MB". */
export function formatBytes(locale: Locale, n: number): string {
  const nf = (d: number) => new Intl.NumberFormat(locale === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: d });
  if (n < 1000) return `${nf(0).format(n)} B`;
  if (n < 1_000_000) return `${nf(0).format(Math.round(n / 1000))} kB`;
  return `${nf(1).format(n / 1_000_000)} MB`;
}
