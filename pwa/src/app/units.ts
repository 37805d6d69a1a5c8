// Tonnes and yuan as the registry and market screens word them (lazy chunks only: the first load
// has its own formatters in format.ts).
import { formatPoints } from "./format";
import type { Lang } from "./i18n";

export const tonnes = (t: number, l: Lang): string => `${formatPoints(t, l)} ${l === "zh" ? "吨" : "t"}`;

export const yuan = (fen: number, l: Lang): string =>
  new Intl.NumberFormat(l === "zh" ? "zh-CN" : "en", { style: "currency", currency: "CNY" }).format(fen / 100);
