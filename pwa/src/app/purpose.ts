// What an order or certificate is for, in the chosen language: the API renders each purpose in
// zh and en (会议：2026 成都低碳发展论坛 / Meeting: …), so the app never shows a raw kind.
import type { Purpose } from "./api/types";
import { lang, type Lang } from "./i18n";

/** The purpose's text in `in_`; `fallback` (the Chinese text) for a record without one. */
export function purposeText(
  detail: Purpose | undefined,
  fallback = "",
  in_: Lang = lang.value,
): string {
  return detail?.text?.[in_] || fallback;
}
