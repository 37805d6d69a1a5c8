// Check-ins at low-carbon venues: the venue's current code, from its QR (scanned here, or opened
// by the phone's camera at /checkin), sent now or queued offline. The server checks the code's
// signature and window; the app only recognises its shape.
import { signal } from "@preact/signals";
import { api } from "./api/client";
import { ApiError } from "./api/problem";
import type { BatchResult } from "./api/types";
import { flush, queueCheckIn, retryLater } from "./offline/queue";
import { session } from "./session";

/** The code a venue QR holds (`…/checkin?v=<venue>&w=<window>&s=<signature>`) as the query the
 * API takes, or null for anything else (a typed or made-up code is never sent). */
export function venueCode(raw: string): string | null {
  let query: URLSearchParams;
  try {
    query = new URL(raw.trim()).searchParams;
  } catch {
    query = new URLSearchParams(raw.trim().replace(/^\?/, ""));
  }
  const [v, w, s] = ["v", "w", "s"].map((k) => query.get(k) ?? "");
  if (!/^ven_[a-z0-9]+$/.test(v!) || !/^\d+$/.test(w!) || !/^[\w-]+$/.test(s!)) return null;
  return new URLSearchParams({ v: v!, w: w!, s: s! }).toString();
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
