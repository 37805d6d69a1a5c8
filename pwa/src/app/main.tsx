// Entry point: mount the app, start the router and the service worker, send queued check-ins.
import { render } from "preact";
import { App } from "./app";
import { sendQueuedCheckIns } from "./checkin";
import { refreshWaiting } from "./offline/queue";
import { startRouter } from "./router";
import { registerServiceWorker } from "./update";
import "./style.css";

startRouter();
render(<App />, document.getElementById("app")!);
registerServiceWorker();

const sendQueued = (): void => void sendQueuedCheckIns().catch(() => undefined);
addEventListener("online", sendQueued);
void refreshWaiting().then(sendQueued, () => undefined);
