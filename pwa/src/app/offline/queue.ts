// Sends queued requests in order once the network is back; stops at the first one still offline.
import { signal } from "@preact/signals";
import { ApiError } from "../api/problem";
import { dequeue, enqueue, queued, type QueuedCheckIn } from "./store";

export type Sender = (item: QueuedCheckIn) => Promise<void>;

/** How many check-ins are waiting, for the wallet to show. */
export const waiting = signal(0);

export async function refreshWaiting(): Promise<void> {
  waiting.value = (await queued()).length;
}

export async function queueCheckIn(venue: string, now = new Date()): Promise<void> {
  await enqueue({ kind: "checkin", venue, queuedAt: now.toISOString() });
  await refreshWaiting();
}

/** A failure worth retrying later: no network, signed out (401) or the server failing (5xx).
 * Any other refusal will not change on retry. */
export const retryLater = (e: unknown): boolean =>
  !(e instanceof ApiError) || e.offline || e.status === 401 || e.status >= 500;

/**
 * Send every queued item, oldest first. An item is removed once the server has answered it, even
 * with a refusal (a 4xx will not change on retry; the outcome is reported). A network failure, a
 * 401 (sign in again) or a 5xx keeps it and the rest for later. Returns what was settled.
 */
export async function flush(send: Sender): Promise<{ sent: number; refused: ApiError[] }> {
  const refused: ApiError[] = [];
  let sent = 0;
  for (const item of await queued()) {
    try {
      await send(item);
      sent++;
    } catch (e) {
      if (retryLater(e)) break;
      refused.push(e as ApiError);
    }
    await dequeue(item.id!);
  }
  await refreshWaiting();
  return { sent, refused };
}
