// Whether the app is offline, for the banner: the browser's online/offline events, a request that
// could not reach the network, and any answer from the server (which proves it is back).
import { signal } from "@preact/signals";

export const offline = signal(typeof navigator !== "undefined" && navigator.onLine === false);

export function watchNetwork(): void {
  addEventListener("online", () => (offline.value = false));
  addEventListener("offline", () => (offline.value = true));
}

/** A request failed for want of a network. */
export function lostNetwork(): void {
  offline.value = true;
}

/** The server answered: whatever the banner said, we are online. */
export function reachedServer(): void {
  offline.value = false;
}
