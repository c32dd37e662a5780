// The "Record Nexus's answer" form of the order list (many orders) and the
// order detail (one): the new status, Nexus's reason (rejected; optional
// for cancelled), the delivery day (delivered). The rules are the server's;
// its field errors come back by field and code.
import { ApiError, asApiError } from '../api/client';
import {
  recordOrderStatus,
  RECORDABLE_STATUSES,
  type OrderStatusInput,
  type OrderStatusResult,
  type RecordableStatus,
} from '../api/orders';
import { localDay } from './orders';

/** The body of POST /api/orders/status for the form's values: only what the status takes. */
export function statusInput(ids: string[], status: RecordableStatus, reason: string, date: string): OrderStatusInput {
  const input: OrderStatusInput = { ids, status };
  const r = reason.trim();
  if ((status === 'rejected_by_nexus' || status === 'cancelled') && r) input.reason = r;
  if (status === 'delivered' && date) input.date = date;
  return input;
}

export class RecordForm {
  status = $state<RecordableStatus>('in_production');
  reason = $state('');
  date = $state(localDay());
  /** The statuses offered (the detail offers only the moves the order can make). */
  statuses = $state<readonly RecordableStatus[]>(RECORDABLE_STATUSES);
  error = $state<ApiError | null>(null);
  /** Field → [code, message] of the server's field errors. */
  fields = $state<Record<string, { code?: string; message?: string }>>({});

  /** A fresh form offering these statuses (the first is chosen). */
  reset(statuses: readonly RecordableStatus[] = RECORDABLE_STATUSES): void {
    this.statuses = statuses;
    this.status = statuses[0] ?? 'in_production';
    this.reason = '';
    this.date = localDay();
    this.error = null;
    this.fields = {};
  }

  /** Records the status for the orders; null when it failed (error or fields say why). */
  async submit(ids: string[]): Promise<OrderStatusResult | null> {
    this.error = null;
    this.fields = {};
    try {
      return await recordOrderStatus(statusInput(ids, this.status, this.reason, this.date));
    } catch (e) {
      const err = asApiError(e);
      const names = new Set([...Object.keys(err.fields ?? {}), ...Object.keys(err.fieldCodes ?? {})]);
      const shown = ['status', 'reason', 'date'];
      const fields: Record<string, { code?: string; message?: string }> = {};
      for (const f of names) fields[f] = { code: err.fieldCodes?.[f], message: err.fields?.[f] };
      this.fields = fields;
      // Errors of no field shown here (the ids: none, too many) go above the form.
      if (names.size === 0 || [...names].some((f) => !shown.includes(f))) this.error = err;
      return null;
    }
  }
}
