// The one place that talks to /api/v1: bearer token, JSON in and out, problem+json into ApiError.
import { ApiError, networkError } from "./problem";
import type { Problem } from "./types";
import { consentNeeded, neededBy } from "../consent";
import { locale } from "../i18n";
import { lostNetwork, reachedServer } from "../offline/network";
import { session, signOutLocally } from "../session";

export interface Call {
  body?: unknown;
  /** A multipart body (a file upload) instead of JSON. */
  form?: FormData;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export async function api<T>(method: string, path: string, call: Call = {}): Promise<T> {
  // The API words a footprint's breakdown, trail and defaults in the language asked for.
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": locale() };
  if (call.body !== undefined) headers["Content-Type"] = "application/json"; // FormData sets its own
  if (call.idempotencyKey) headers["Idempotency-Key"] = call.idempotencyKey;
  const token = session.value?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: call.form ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
      signal: call.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    lostNetwork();
    throw networkError();
  }
  reachedServer();
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw failed(res.status, data, token);
  return data as T;
}

/** The error of a failed call, as the app reacts to it (signs out, asks for consent). */
function failed(status: number, data: unknown, token: string | undefined): ApiError {
  if (status === 401 && token) signOutLocally();
  const err = new ApiError(status, typeof data === "object" && data ? (data as Problem) : {});
  // A signed-in person must accept a text first: the app shows the consent screen.
  const needed = token ? neededBy(err) : null;
  if (needed) consentNeeded.value = needed;
  return err;
}

/** A file the API serves (a PDF), fetched with the token and saved as `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const token = session.value?.token;
  let res: Response;
  try {
    const headers: Record<string, string> = { "Accept-Language": locale() };
    if (token) headers.Authorization = `Bearer ${token}`;
    res = await fetch(`/api/v1${path}`, { headers });
  } catch {
    lostNetwork();
    throw networkError();
  }
  reachedServer();
  if (!res.ok) throw failed(res.status, await res.json().catch(() => ({})), token);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // after the browser has taken the file
}

/** A fresh key for a POST that moves money or points; kept by the caller to retry safely. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
