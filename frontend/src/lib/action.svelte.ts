// One action a page runs on a button press (send a batch, download a file,
// export): busy while it runs, then its result or its error; pressing again
// starts afresh. A press while it runs is ignored.
import { ApiError, asApiError } from '../api/client';

export class Action<T> {
  busy = $state(false);
  result = $state<T | null>(null);
  error = $state<ApiError | null>(null);

  #fn: () => Promise<T>;
  #after: (() => void) | undefined;

  /** after: runs once the action is over, whether it worked or not (reload what it changed). */
  constructor(fn: () => Promise<T>, after?: () => void) {
    this.#fn = fn;
    this.#after = after;
  }

  run = async (): Promise<void> => {
    if (this.busy) return;
    this.busy = true;
    this.result = null;
    this.error = null;
    try {
      this.result = await this.#fn();
    } catch (e) {
      this.error = asApiError(e);
    } finally {
      this.busy = false;
      this.#after?.();
    }
  };
}
