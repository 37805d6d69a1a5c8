// Who is signed in: the bearer token and the person, kept in localStorage across visits.
import { signal } from "@preact/signals";
import { forgetMine } from "./offline/personal";

export interface Session {
  token: string;
  displayName: string;
  expiresAt: string;
}

const KEY = "diandian.session";

function load(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return new Date(s.expiresAt) > new Date() ? s : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());

export function signIn(s: Session): void {
  session.value = s;
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // signed in for this visit only
  }
}

/** Forget the token here (after sign-out, account deletion, or when the server no longer accepts
 * it), and with it what was kept of the person for offline use (PIPL: nothing of theirs stays on
 * a shared phone): saved certificates and images, the last wallet, queued check-ins. */
export function signOutLocally(): void {
  session.value = null;
  void forgetMine();
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
