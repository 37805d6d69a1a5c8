// Entry point: mount the app, start the router and the service worker, send queued check-ins.
import { render } from "preact";
import { App } from "./app";
import { sendQueuedCheckIns } from "./checkin";
import { watchNetwork } from "./offline/network";
import { forgetMine } from "./offline/personal";
import { refreshWaiting } from "./offline/queue";
import { session } from "./session";
import { startRouter } from "./router";
import { registerServiceWorker } from "./update";
import "./style.css";

watchNetwork();
// Signed out (or the session expired) since the last visit: nothing of the person stays here.
if (!session.value) void forgetMine();
startRouter();
render(<App />, document.getElementById("app")!);
registerServiceWorker();

const sendQueued = (): void => void sendQueuedCheckIns().catch(() => undefined);
addEventListener("online", sendQueued);
void refreshWaiting().then(sendQueued, () => undefined);
