// Registers the service worker and raises `updateReady` when a new version waits to take over.
import { signal } from "@preact/signals";

export const updateReady = signal<ServiceWorker | null>(null);

export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  addEventListener("load", () => {
    void navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) updateReady.value = reg.waiting;
      reg.addEventListener("updatefound", () => {
        const incoming = reg.installing;
        incoming?.addEventListener("statechange", () => {
          // With no controller this is the first install, not an update.
          if (incoming.state === "installed" && navigator.serviceWorker.controller) {
            updateReady.value = incoming;
          }
        });
      });
    });
  });
}

/** Let the waiting worker take over, then reload once it controls the page. */
export function applyUpdate(): void {
  const waiting = updateReady.value;
  if (!waiting) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), {
    once: true,
  });
  waiting.postMessage({ type: "SKIP_WAITING" });
}
