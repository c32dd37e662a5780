// The loading of a detail page (an invitation, an order): the thing once
// loaded, "loading" until the first answer, the load error with Retry, and
// the newest answer kept when loads overlap (Retry, a reload after an action).
import { ApiError, asApiError } from '../api/client';

export class DetailLoader<T> {
  value = $state<T | null>(null);
  loading = $state(true);
  error = $state<ApiError | null>(null);

  #fetch: () => Promise<T>;
  #seq = 0;

  constructor(fetch: () => Promise<T>) {
    this.#fetch = fetch;
  }

  /** Loads (again); an answer to an older load that comes late is dropped. */
  load = async (): Promise<void> => {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const v = await this.#fetch();
      if (seq !== this.#seq) return;
      this.value = v;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = asApiError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  };

  /** The thing as an action answered it (no load needed); older loads under way are dropped. */
  set(v: T): void {
    this.#seq++;
    this.value = v;
    this.error = null;
    this.loading = false;
  }
}
