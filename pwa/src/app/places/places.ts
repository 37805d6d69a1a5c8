// Airports, cities and railway stations to pick from, found by Chinese name, pinyin (full or
// initials), English name or IATA code. Loaded on demand with its table, places.json, which
// backend/footprint/places_table.py generates (its "about" says from what).
import type { Lang } from "../i18n";
import table from "./places.json";

export type PlaceKind = "airport" | "city" | "station";
export type PickerMode = "airport" | "place";

export interface Suggestion {
  kind: PlaceKind;
  label: string; // what the person reads: 成都天府 TFU, 成都东站
  value: string; // what the form takes: TFU, 成都东站
}

interface Entry {
  kind: PlaceKind;
  zh: string; // empty for an airport without a Chinese name
  en: string;
  code: string; // IATA, airports only
  keys: string[]; // latin search keys: code, pinyin, initials, English name, city
}

const norm = (s: string): string => s.toLowerCase().replace(/[\s'’·-]/g, "");

const AIRPORTS: Entry[] = table.airports.map(([code, zh, en, city, py, ini]) => ({
  kind: "airport",
  zh: zh!,
  en: en!,
  code: code!,
  keys: [code!, py!, ini!, en!, city!].filter(Boolean).map(norm),
}));
const CITIES: Entry[] = table.cities.map(([zh, en, py, ini]) => ({
  kind: "city",
  zh: zh!,
  en: en!,
  code: "",
  keys: [py!, ini!, en!].map(norm),
}));
const BY_CODE = new Map(AIRPORTS.map((a) => [a.code, a]));
const KIND_RANK: Record<PlaceKind, number> = { city: 0, airport: 1, station: 2 };
// 北京南站, 成都东站: what may follow a city's name for one of its stations (backend/footprint/origins.py)
const STATION = /^[东南西北]?站?$/;

/** 0 the whole of a name, pinyin or code, 1 the start of one (or initials), 2 inside one. */
function score(e: Entry, q: string): number | undefined {
  const lower = norm(q);
  if (e.zh === q || e.keys.includes(lower)) return 0;
  if ((e.zh !== "" && e.zh.startsWith(q)) || e.keys.some((k) => k.startsWith(lower))) return 1;
  if ((e.zh !== "" && e.zh.includes(q)) || e.keys.some((k) => k.includes(lower))) return 2;
  return undefined;
}

function label(e: Entry, lang: Lang): string {
  if (e.kind === "airport") return `${(lang === "zh" && e.zh) || e.en} ${e.code}`;
  if (e.kind === "station") return lang === "zh" ? e.zh : `${e.zh} (${e.en})`;
  return lang === "zh" ? e.zh : e.en;
}

/** The form's value: an airport's code, a city's name in the language, a station's Chinese name. */
const value = (e: Entry, lang: Lang): string =>
  e.kind === "airport" ? e.code : e.kind === "city" && lang === "en" ? e.en : e.zh;

/** A city's stations that `q` names: its main one, or the one `q` spells out (成都东 → 成都东站). */
function stations(q: string, city: Entry, cityScore: number | undefined): [Entry, number][] {
  const rest = q.startsWith(city.zh) ? q.slice(city.zh.length) : undefined;
  const named = rest !== undefined && rest !== "" && STATION.test(rest);
  if (!named && cityScore === undefined) return [];
  const zh = `${city.zh}${named ? rest.replace(/站$/, "") : ""}站`;
  return [[{ ...city, kind: "station", zh }, named ? 0 : cityScore! + 1]];
}

/** What to offer for `query`, best first: airports only, or cities, airports and stations. */
export function suggest(query: string, mode: PickerMode, lang: Lang, limit = 8): Suggestion[] {
  const q = query.trim();
  if (q === "") return [];
  const found: [Entry, number][] = [];
  const add = (e: Entry, s: number | undefined) => s !== undefined && found.push([e, s]);
  AIRPORTS.forEach((a) => add(a, score(a, q)));
  if (mode === "place") {
    for (const city of CITIES) {
      const s = score(city, q);
      add(city, s);
      found.push(...stations(q, city, s));
    }
  }
  // Stable sort: within a score and kind, the table's order (the busiest airports first).
  return found
    .sort(([a, sa], [b, sb]) => sa - sb || KIND_RANK[a.kind] - KIND_RANK[b.kind])
    .slice(0, limit)
    .map(([e]) => ({ kind: e.kind, label: label(e, lang), value: value(e, lang) }));
}

/** An airport's name and code as the picker and certificates show it (成都天府 TFU), if known. */
export function airportLabel(code: string, lang: Lang): string | undefined {
  const a = BY_CODE.get(code.trim().toUpperCase());
  return a && label(a, lang);
}
