// Entry point: mount the app, start the router and the service worker, send queued check-ins.
import { render } from "preact";
import { App } from "./app";
import { sendQueuedCheckIns } from "./checkin";
import { offline, watchNetwork } from "./offline/network";
import { forgetMine } from "./offline/personal";
import { refreshWaiting } from "./offline/queue";
import { lang, loadCatalogue } from "./i18n";
import { session } from "./session";
import { startRouter } from "./router";
import { registerServiceWorker } from "./update";
import "./style.css";

watchNetwork();
// Signed out (or the session expired) since the last visit: nothing of the person stays here.
if (!session.value) void forgetMine();
startRouter();
// Someone who chose English waits for its chunk; if it cannot load, the app opens in Chinese.
void loadCatalogue(lang.value)
  .catch(() => void (lang.value = "zh"))
  .then(() => render(<App />, document.getElementById("app")!));
registerServiceWorker();

const sendQueued = (): void => void sendQueuedCheckIns().catch(() => undefined);
// Send the queue at start and whenever the network is back: the `online` event, or (with poor
// signal, where the browser never says it was offline) the first answer after a failed request.
void refreshWaiting().then(
  () =>
    offline.subscribe((off) => {
      if (!off) sendQueued();
    }),
  () => undefined,
);
