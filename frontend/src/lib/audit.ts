// Pure helpers of the audit log page: its filters in the hash query, the
// same filters as the API takes them, the labels of actions and actor
// kinds, and where a line's subject links to.
import { hasKey, type MessageKey } from './i18n';

/** The hash-query keys that filter the log (page is not one). */
export const AUDIT_FILTERS = ['action', 'actorKind', 'from', 'to', 'q'] as const;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The start of a local calendar day (YYYY-MM-DD) plus `days`, as RFC 3339
 * in UTC; null when the text is not a real date.
 */
export function localDayStart(date: string, days = 0): string | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const at = new Date(y, mo, d);
  if (at.getFullYear() !== y || at.getMonth() !== mo || at.getDate() !== d) return null;
  at.setDate(at.getDate() + days);
  return at.toISOString();
}

/**
 * The filters of the page's hash query as GET /api/audit (and
 * /api/audit.csv) take them. The dates in the address are the admin's own
 * calendar days: "from" is the start of that day, "to" the start of the day
 * after (the API's to is exclusive), both in local time. A date that is not
 * one is left out rather than sent.
 */
export function auditApiQuery(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (query.action) out.action = query.action;
  if (query.actorKind) out.actorKind = query.actorKind;
  const q = query.q?.trim();
  if (q) out.q = q;
  const from = query.from ? localDayStart(query.from) : null;
  if (from) out.from = from;
  const to = query.to ? localDayStart(query.to, 1) : null;
  if (to) out.to = to;
  return out;
}

/** The label of an action: audit.action.<value>, or the value itself if a newer server sends one the UI does not know. */
export function actionLabelKey(action: string): MessageKey | null {
  const key = `audit.action.${action}`;
  return hasKey(key) ? key : null;
}

export function actorKindLabelKey(kind: string): MessageKey | null {
  const key = `audit.actor.${kind}`;
  return hasKey(key) ? key : null;
}

/** The hash path of the thing a line is about (an invitation, an order, a batch), or null. */
export function subjectPath(action: string, subject: string): string | null {
  if (!subject) return null;
  const id = encodeURIComponent(subject);
  if (action.startsWith('invitation.')) return `/invitations/${id}`;
  if (action.startsWith('order.')) return `/orders/${id}`;
  if (action.startsWith('nexus.')) return `/nexus/batches/${id}`;
  return null;
}
