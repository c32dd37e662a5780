import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { hasItems, isFiltered, ListQuery, pageOf, SEARCH_DEBOUNCE_MS } from './listQuery.svelte';
import { parseHash } from './router';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A list whose loads wait until the test answers them, and whose navigation is recorded. */
function setup(initial: Record<string, string> = {}) {
  const loads: Array<{ query: Record<string, string>; signal: AbortSignal; answer: Deferred<string> }> = [];
  const paths: string[] = [];
  const list = new ListQuery<string>({
    path: '/things',
    filters: ['status', 'q'],
    initial,
    navigate: (p) => paths.push(p),
    load: (query, signal) => {
      const answer = deferred<string>();
      loads.push({ query, signal, answer });
      return answer.promise;
    },
  });
  return { list, loads, paths };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('list query ⇄ hash', () => {
  it('writes filter changes into the hash, back to page 1, empty values left out', () => {
    const { list, paths } = setup({ status: 'sent', page: '3', sort: 'email' });
    list.set({ status: 'failed' });
    list.set({ q: 'anna', status: '' });
    list.set({ page: '4' });
    expect(paths).toEqual(['/things?status=failed&sort=email', '/things?sort=email&q=anna', '/things?status=sent&page=4&sort=email']);
  });

  it('reads back what it wrote', () => {
    const { list } = setup({ status: 'sent', q: 'a b&c' });
    const route = parseHash('#' + list.href({ page: '2' }));
    expect(route.path).toBe('/things');
    expect(route.query).toEqual({ status: 'sent', q: 'a b&c', page: '2' });
    expect(pageOf(route.query)).toBe(2);
  });

  it('takes the page and the filters from the query', () => {
    expect(pageOf({})).toBe(1);
    expect(pageOf({ page: '0' })).toBe(1);
    expect(pageOf({ page: 'x' })).toBe(1);
    expect(pageOf({ page: '7' })).toBe(7);
    expect(isFiltered({ page: '2', sort: 'email', dir: 'asc' }, ['status', 'q'])).toBe(false);
    expect(isFiltered({ q: 'x' }, ['status', 'q'])).toBe(true);
    expect(setup({ q: 'x' }).list.filtered).toBe(true);
    expect(setup({ page: '2' }).list.filtered).toBe(false);
  });

  it('starts the search box from the query and clears filters and box together', () => {
    const { list, paths } = setup({ q: 'anna', status: 'sent' });
    expect(list.text).toBe('anna');
    list.clear();
    expect(list.text).toBe('');
    expect(paths).toEqual(['/things']);
  });
});

describe('list with or without status counts', () => {
  it('has something to filter when its counts say so, or (without counts) when the unfiltered list has items', () => {
    expect(hasItems({ total: 0, page: 1, pageSize: 50, counts: { sent: 2 } }, true)).toBe(true);
    expect(hasItems({ total: 5, page: 1, pageSize: 50, counts: {} }, false)).toBe(false);
    expect(hasItems({ total: 5, page: 1, pageSize: 50 }, false)).toBe(true);
    expect(hasItems({ total: 0, page: 1, pageSize: 50 }, false)).toBe(false);
    // A filtered total says nothing about the whole list.
    expect(hasItems({ total: 0, page: 1, pageSize: 50 }, true)).toBe(false);
  });
});

describe('list query search', () => {
  it('applies typing only after a pause, once, trimmed', () => {
    vi.useFakeTimers();
    const { list, paths } = setup({ status: 'sent' });
    list.text = 'an';
    list.typed();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    list.text = 'anna ';
    list.typed();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(paths).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(paths).toEqual(['/things?status=sent&q=anna']);
  });

  it('applies at once on Enter, and the pending pause does not apply it again', () => {
    vi.useFakeTimers();
    const { list, paths } = setup();
    list.text = 'bo';
    list.typed();
    list.search();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2);
    expect(paths).toEqual(['/things?q=bo']);
  });

  it('does not navigate after the page has gone', () => {
    vi.useFakeTimers();
    const { list, paths } = setup();
    list.text = 'bo';
    list.typed();
    list.dispose();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2);
    expect(paths).toEqual([]);
  });
});

describe('list query loading', () => {
  it('aborts the previous load and keeps the newest answer even when the old one comes last', async () => {
    const { list, loads } = setup();
    const first = list.follow({ status: 'sent' });
    const second = list.follow({ status: 'failed' });
    expect(loads).toHaveLength(2);
    expect(loads[0].signal.aborted).toBe(true);
    expect(loads[1].signal.aborted).toBe(false);
    expect(loads[1].query).toEqual({ status: 'failed' });

    loads[1].answer.resolve('failed list');
    await second;
    expect(list.result).toBe('failed list');
    expect(list.loading).toBe(false);

    loads[0].answer.resolve('stale sent list');
    await first;
    expect(list.result).toBe('failed list');
    expect(list.loading).toBe(false);
  });

  it('stays loading while a newer load runs, even when the aborted one fails', async () => {
    const { list, loads } = setup();
    const first = list.follow({});
    list.reload();
    loads[0].answer.reject(new DOMException('aborted', 'AbortError'));
    await first;
    expect(list.loading).toBe(true);
    expect(list.error).toBeNull();
  });

  it('shows an error, keeps the last result, and clears the error on a good reload', async () => {
    const { list, loads } = setup();
    const a = list.follow({});
    loads[0].answer.resolve('list');
    await a;
    const b = list.reload();
    loads[1].answer.reject(new ApiError(500, 'internal', 'boom'));
    await b;
    expect(list.error?.code).toBe('internal');
    expect(list.result).toBe('list');
    const c = list.reload();
    loads[2].answer.resolve('list again');
    await c;
    expect(list.error).toBeNull();
    expect(list.result).toBe('list again');
  });

  it('aborts the load under way when the page goes', () => {
    const { list, loads } = setup();
    void list.follow({});
    list.dispose();
    expect(loads[0].signal.aborted).toBe(true);
  });
});
