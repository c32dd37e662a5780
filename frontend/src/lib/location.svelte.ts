// The current hash, as reactive state, and navigation helpers.

export const here = $state({ hash: location.hash });

window.addEventListener('hashchange', () => {
  here.hash = location.hash;
});

/** Goes to a hash path such as "/orders"; replace keeps it out of history. */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const hash = '#' + path;
  if (opts.replace) {
    location.replace(location.pathname + location.search + hash);
  } else {
    location.hash = hash;
  }
  here.hash = location.hash;
}
