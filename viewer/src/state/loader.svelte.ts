/**
 * A report's loading state, shared by the pages that fetch one thing and show it: loading, the error with a retry,
 * or the value. Call during a component's setup; `load` is run again whenever what it reads changes (the page's
 * filters) or `retry()` is called, and the load it replaces is aborted so a slow answer never overwrites a newer one.
 */
export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ready'; value: T };

export function loader<T>(load: (signal: AbortSignal) => Promise<T>): { readonly state: Loaded<T>; retry(): void } {
  let state = $state.raw<Loaded<T>>({ status: 'loading' });
  let attempt = $state(0);

  $effect(() => {
    void attempt;
    const abort = new AbortController();
    state = { status: 'loading' };
    load(abort.signal).then(
      (value) => (state = { status: 'ready', value }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        state = { status: 'error', error: error instanceof Error ? error : new Error(String(error)) };
      },
    );
    return () => abort.abort();
  });

  return {
    get state() {
      return state;
    },
    retry() {
      attempt++;
    },
  };
}
