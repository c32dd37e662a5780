// The first page's "on screen" moment. App.svelte tells the server (POST
// /api/ui-ready, which the desktop smoke test and the start-up benchmark
// wait for) only once the first page has really rendered: with pages loaded
// on demand (LazyPage), the first tick after start still shows "Loading…".

let resolveShown: () => void = () => {};

/** Resolves once markPageShown has been called the first time. */
export const pageShown: Promise<void> = new Promise((resolve) => {
  resolveShown = resolve;
});

/** Called by whatever renders a page, after it is in the DOM. Later calls do nothing. */
export function markPageShown(): void {
  resolveShown();
}
