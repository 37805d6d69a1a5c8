// A newest-first keyset list (`items`, `next_cursor`): the first page when the inputs change,
// then "load more".
import { useEffect, useState } from "preact/hooks";

export interface Page<T> {
  items?: T[];
  next_cursor?: string | null;
}

export interface Pages<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  more: boolean;
  loadMore: () => void;
  reload: () => void;
}

export function usePages<T>(
  fetchPage: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(undefined);
    fetchPage(null, ctrl.signal).then(
      (page) => {
        setItems(page.items ?? []);
        setCursor(page.next_cursor ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [...deps, tick]);

  function loadMore(): void {
    if (!cursor) return;
    setLoading(true);
    fetchPage(cursor).then(
      (page) => {
        setItems((old) => [...old, ...(page.items ?? [])]);
        setCursor(page.next_cursor ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  }

  return { items, error, loading, more: cursor !== null, loadMore, reload: () => setTick((n) => n + 1) };
}
