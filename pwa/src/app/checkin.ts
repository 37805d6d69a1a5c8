// Check-ins at low-carbon venues: the venue code from a scanned QR, sent now or queued offline.
import { api } from "./api/client";
import { ApiError } from "./api/problem";
import type { BatchResult } from "./api/types";
import { flush, queueCheckIn } from "./offline/queue";
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

/** Send what was queued offline, when signed in; returns how many went through. */
export async function sendQueuedCheckIns(): Promise<number> {
  if (!session.value) return 0;
  const { sent } = await flush(async (item) => {
    await send(item.venue);
  });
  return sent;
}
