// The signed-in person's own things kept for offline use: certificates they opened (JSON in
// IndexedDB, the PNG in the Cache API's "diandian-mine" cache, written by the page, never by the
// service worker) and the last wallet read. All of it goes when they sign out.
import { ApiError } from "../api/problem";
import { refreshWaiting } from "./queue";
import { forgetPersonal } from "./store";

/** The cache of the person's own certificate images (the service worker never reads it). */
export const IMAGES = "diandian-mine";

const hasCaches = (): boolean => typeof caches !== "undefined";

/** Keep a certificate's image under its URL. */
export async function keepImage(url: string, blob: Blob): Promise<void> {
  if (!hasCaches()) return;
  const headers = { "Content-Type": blob.type || "image/png" };
  await (await caches.open(IMAGES)).put(url, new Response(blob, { headers }));
}

/** The kept image of `url`, if any. */
export async function keptImage(url: string): Promise<Blob | undefined> {
  if (!hasCaches() || !(await caches.has(IMAGES))) return undefined;
  const hit = await (await caches.open(IMAGES)).match(url);
  return hit ? hit.blob() : undefined;
}

/** The request did not reach a working server (offline, or a 5xx): a saved copy may stand in. */
export const unreachable = (e: unknown): boolean =>
  e instanceof ApiError && (e.offline || e.status >= 500);

/** Forget everything of the person's on this device (sign-out, account deletion, a dead token). */
export async function forgetMine(): Promise<void> {
  await Promise.allSettled([
    forgetPersonal(),
    hasCaches() ? caches.delete(IMAGES) : Promise.resolve(true),
  ]);
  await refreshWaiting().catch(() => undefined);
}
