// The rows an admin has ticked in a list (for bulk actions): kept by id
// across pages, so ticking rows on page 1 and page 2 selects both; the head's
// box ticks or clears the rows of the page shown.
import { SvelteSet } from 'svelte/reactivity';

/** How many of a page's rows are ticked: the head box shows all, none or some (indeterminate). */
export type PageSelection = 'none' | 'some' | 'all';

export class Selection {
  #ids = new SvelteSet<string>();

  /** How many rows are ticked, on every page. */
  get size(): number {
    return this.#ids.size;
  }

  /** The ticked ids, in the order they were ticked. */
  get ids(): string[] {
    return [...this.#ids];
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Ticks or clears one row (flips it when `on` is left out). */
  toggle(id: string, on = !this.#ids.has(id)): void {
    if (on) this.#ids.add(id);
    else this.#ids.delete(id);
  }

  /** What the head box of a page with these rows shows. */
  pageState(pageIds: readonly string[]): PageSelection {
    let n = 0;
    for (const id of pageIds) if (this.#ids.has(id)) n++;
    if (n === 0) return 'none';
    return n === pageIds.length ? 'all' : 'some';
  }

  /** The head box: ticks every row of the page unless all are, then clears them; other pages keep theirs. */
  togglePage(pageIds: readonly string[]): void {
    const on = this.pageState(pageIds) !== 'all';
    for (const id of pageIds) this.toggle(id, on);
  }

  clear(): void {
    this.#ids.clear();
  }
}
