// The signed-in person's profile and memberships (`GET /me`), fetched once per session.
import { signal } from "@preact/signals";
import { api } from "./api/client";
import type { Me } from "./api/types";
import { session } from "./session";

export const me = signal<Me | null>(null);
let loadedFor: string | null = null;

/** Fetch `/me` for the current token unless already done; failures leave the entries hidden. */
export function refreshMe(): void {
  const token = session.value?.token ?? null;
  if (token === loadedFor) return;
  loadedFor = token;
  me.value = null;
  if (!token) return;
  api<Me>("GET", "/me").then(
    (got) => {
      if (session.value?.token === token) me.value = got;
    },
    () => {
      loadedFor = null;
    },
  );
}
