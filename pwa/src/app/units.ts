// Tonnes and yuan as the registry and market screens word them (lazy chunks only: the first load
// has its own formatters in format.ts).
import { formatMoney, formatPoints } from "./format";
import type { Lang } from "./i18n";

export const tonnes = (t: number, l: Lang): string => `${formatPoints(t, l)} ${l === "zh" ? "吨" : "t"}`;

/** Fen as yuan, exactly (no float division), with the app's cached formatters. */
export const yuan = (fen: number, l: Lang): string => formatMoney(fen, "CNY", l);
