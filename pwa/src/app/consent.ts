// Consent (PIPL): the texts a problem asks a person to accept, and the app-wide "asked now"
// signal the consent screen answers (a new version of the terms, a separate consent).
import { signal } from "@preact/signals";
import { ApiError } from "./api/problem";

export interface Needed {
  document: string;
  version: string;
  title: string;
}

export const SENSITIVE = ["judicial", "travel"];

/** Texts a signed-in person must accept before the API goes on; null when none. */
export const consentNeeded = signal<Needed[] | null>(null);

/** The texts a `consent-required` problem names, or null for any other error. */
export function neededBy(err: unknown): Needed[] | null {
  if (!(err instanceof ApiError) || err.slug !== "consent-required") return null;
  const docs = err.problem.documents;
  return Array.isArray(docs) ? (docs as Needed[]) : null;
}

/** What the API takes as acceptance of these texts. */
export const acceptance = (docs: Needed[]) =>
  docs.map((d) => ({ document: d.document, version: d.version }));
