// A defendant's purchase link: one Idempotency-Key per link (so a retry or a reload returns the
// same order instead of a second one), and the order it made, to continue paying later.
import { newIdempotencyKey } from "./api/client";

const keyOf = (token: string): string => `diandian.court-purchase.${token}`;

export interface Remembered {
  idempotencyKey: string;
  orderId?: string;
  way?: string; // the way to pay the key was used for ("provider:channel")
}

export function remembered(token: string, store: Storage | undefined = globalThis.localStorage): Remembered {
  try {
    const raw = store?.getItem(keyOf(token));
    if (raw) return JSON.parse(raw) as Remembered;
  } catch {
    // a fresh key below
  }
  return { idempotencyKey: newIdempotencyKey() };
}

export function remember(token: string, r: Remembered, store: Storage | undefined = globalThis.localStorage): void {
  try {
    store?.setItem(keyOf(token), JSON.stringify(r));
  } catch {
    // kept for this visit only
  }
}
