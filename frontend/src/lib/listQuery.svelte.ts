// The state of a list page (invitations, orders): its filters live in the
// hash query (so Back from a detail page keeps them), the search box follows
// the query debounced, and each load aborts the one before it, so a slow
// answer to an old filter never replaces a newer one.
import { untrack } from 'svelte';
import { ApiError, asApiError } from '../api/client';
import { patchQuery, withQuery } from './router';

/** What every list answer has besides its items. */
export interface ListPage {
  total: number;
  page: number;
  pageSize: number;
  /** Items per status, unfiltered (lists without statuses, such as the audit log, have none). */
  counts?: Record<string, number>;
}

export interface ListQueryOptions<R> {
  /** The page's hash path, e.g. "/invitations". */
  path: string;
  /** Loads the list for a hash query; must honour the signal. */
  load: (query: Record<string, string>, signal: AbortSignal) => Promise<R>;
  /** Goes to a hash path without a new history entry. */
  navigate: (path: string) => void;
  /** The hash query the page opened with. */
  initial?: Record<string, string>;
  /** The query keys that filter the list (not the ones that order or page it). */
  filters: readonly string[];
  /** How long typing must pause before the search applies. */
  debounceMs?: number;
}

export const SEARCH_DEBOUNCE_MS = 300;

/** The page number of a hash query: 1 unless it names a whole number above 1. */
export function pageOf(query: Record<string, string>): number {
  return Math.max(1, parseInt(query.page ?? '1', 10) || 1);
}

/** True when one of the filter keys has a value in the query. */
export function isFiltered(query: Record<string, string>, filters: readonly string[]): boolean {
  return filters.some((k) => !!query[k]);
}

/** The sum of a list's status counts: how many items there are, unfiltered. */
export function totalCount(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}

/**
 * True when a list's answer shows there is something to filter: its status
 * counts (unfiltered) are not all zero, or, for a list without counts,
 * the unfiltered answer has items.
 */
export function hasItems(page: ListPage, filtered: boolean): boolean {
  if (page.counts) return totalCount(page.counts) > 0;
  return !filtered && page.total > 0;
}

export class ListQuery<R> {
  /** The hash query the list shows. */
  query = $state<Record<string, string>>({});
  result = $state<R | null>(null);
  loading = $state(true);
  error = $state<ApiError | null>(null);
  /** The search box; the `q` filter follows it, debounced. */
  text = $state('');

  #opts: ListQueryOptions<R>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: AbortController | null = null;

  constructor(opts: ListQueryOptions<R>) {
    this.#opts = opts;
    this.query = opts.initial ?? {};
    this.text = this.query.q ?? '';
  }

  get page(): number {
    return pageOf(this.query);
  }

  get filtered(): boolean {
    return isFiltered(this.query, this.#opts.filters);
  }

  /** The hash path after a filter change (back to page 1 unless the patch names the page). */
  href(patch: Record<string, string>): string {
    return withQuery(this.#opts.path, patchQuery(this.query, patch));
  }

  /** Changes the filters: through the hash, which the page follows. */
  set(patch: Record<string, string>): void {
    this.#opts.navigate(this.href(patch));
  }

  /** The page's hash query (changed or the same): remember it and load. */
  follow(query: Record<string, string>): Promise<void> {
    return untrack(() => {
      this.query = query;
      return this.reload();
    });
  }

  /** Loads the current query again, aborting any load still under way. */
  reload(): Promise<void> {
    return untrack(() => this.#load());
  }

  async #load(): Promise<void> {
    this.#controller?.abort();
    const c = new AbortController();
    this.#controller = c;
    this.loading = true;
    try {
      const r = await this.#opts.load(this.query, c.signal);
      if (c.signal.aborted) return;
      this.result = r;
      this.error = null;
    } catch (e) {
      if (c.signal.aborted) return;
      this.error = asApiError(e);
    } finally {
      if (this.#controller === c) this.loading = false;
    }
  }

  /** The search box changed: apply it once typing pauses. */
  typed(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.search(), this.#opts.debounceMs ?? SEARCH_DEBOUNCE_MS);
  }

  /** Applies the search box now (Enter). */
  search(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.set({ q: this.text.trim() });
  }

  /** Drops every filter, the search box's text included. */
  clear(): void {
    clearTimeout(this.#timer);
    this.text = '';
    this.#opts.navigate(this.#opts.path);
  }

  /** The page goes away: no timer fires and no load lands after it. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#controller?.abort();
  }
}
