// A tiny history router: the current path and query as a signal, and in-app links without reloads.
import { signal } from "@preact/signals";

export interface Location {
  path: string;
  query: URLSearchParams;
}

const read = (): Location => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
});

export const here = signal<Location>(read());

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  here.value = read();
  window.scrollTo(0, 0);
}

/** Paths the server answers itself (API, verify pages): the browser must really go there. */
const SERVER_PATHS = /^\/(api|verify|healthz|readyz|metrics)(\/|$)/;

export function startRouter(): void {
  addEventListener("popstate", () => (here.value = read()));
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const a = (e.target as Element).closest("a");
    if (!a || a.target || a.hasAttribute("download") || a.origin !== location.origin) return;
    if (SERVER_PATHS.test(a.pathname)) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
  });
}
