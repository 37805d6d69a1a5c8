// The service worker: precaches the app shell and serves index.html for app routes offline.
// It never touches /api/: API requests are not routed here, so they always go to the network.
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Pages the server renders itself (verify pages, API docs, health) must never get the app shell.
const SERVER_PAGES = [
  /^\/api\//,
  /^\/verify\//,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/problems\//,
];
registerRoute(
  new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: SERVER_PAGES }),
);

// The page asks before a new version takes over (the "A new version is available" prompt).
self.addEventListener("message", (event) => {
  if ((event.data as { type?: string } | null)?.type === "SKIP_WAITING") void self.skipWaiting();
});
