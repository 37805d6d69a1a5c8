// Check-ins at low-carbon venues: the venue code from a scanned QR, sent now or queued offline.
import { signal } from "@preact/signals";
import { api } from "./api/client";
import { ApiError } from "./api/problem";
import type { BatchResult } from "./api/types";
import { flush, queueCheckIn, retryLater } from "./offline/queue";
import { session } from "./session";

/** A venue QR holds a link with `?venue=CODE` (or ending in the code), or the bare code. */
export function venueFromQr(raw: string): string {
  const text = raw.trim();
  try {
    const url = new URL(text);
    return url.searchParams.get("venue") ?? url.pathname.split("/").filter(Boolean).pop() ?? "";
  } catch {
    return text;
  }
}

const send = (venue: string): Promise<BatchResult> =>
  api<BatchResult>("POST", "/wallet/checkins", { body: { venue } });

/** Sent (with the server's outcome), or kept in the offline queue when there is no network. */
export async function checkIn(venue: string): Promise<BatchResult | "queued"> {
  if (!navigator.onLine) {
    await queueCheckIn(venue);
    return "queued";
  }
  try {
    return await send(venue);
  } catch (e) {
    if (!(e instanceof ApiError && e.offline)) throw e;
    await queueCheckIn(venue);
    return "queued";
  }
}

/** What became of a check-in queued offline once it was sent: the server's outcome or refusal. */
export interface Delivered {
  venue: string;
  result?: BatchResult;
  refused?: ApiError;
}

/** The outcomes of the last queued check-ins sent, for the wallet to show. */
export const delivered = signal<Delivered[]>([]);

let sending: Promise<number> | null = null;

/** Send what was queued offline, when signed in; returns how many went through. One run at a
 * time (the `online` event and the start may both ask), so nothing is sent twice. */
export function sendQueuedCheckIns(): Promise<number> {
  sending ??= sendQueued().finally(() => (sending = null));
  return sending;
}

async function sendQueued(): Promise<number> {
  if (!session.value) return 0;
  const got: Delivered[] = [];
  const { sent } = await flush(async (item) => {
    try {
      got.push({ venue: item.venue, result: await send(item.venue) });
    } catch (e) {
      if (!retryLater(e)) got.push({ venue: item.venue, refused: e as ApiError });
      throw e;
    }
  });
  if (got.length) delivered.value = got;
  return sent;
}
