// The name on the certificate (the order's `beneficiary`) in a calculator: what the person typed
// is kept as a draft in IndexedDB, so it survives signing in; the account's display name is only
// a default for a field nobody has typed in, and never replaces what was typed.
import { loadDraft, saveDraft } from "./offline/store";

const keyOf = (kind: string): string => `calculator.${kind}.beneficiary`;

/** The name typed in this calculator before, or undefined when none (or only blanks) was. */
export async function typedName(kind: string): Promise<string | undefined> {
  const name = await loadDraft<string>(keyOf(kind));
  return typeof name === "string" && name.trim() !== "" ? name : undefined;
}

export async function keepTypedName(kind: string, name: string): Promise<void> {
  await saveDraft(keyOf(kind), name);
}

/** What the field shows: the typed name (even emptied), else the account's display name. */
export function shownName(typed: string | undefined, displayName: string | undefined): string {
  return typed ?? displayName ?? "";
}
