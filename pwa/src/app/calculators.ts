// The footprint calculators: their form fields with defaults, and the API body each one builds.
import type { Footprint, FootprintCreate } from "./api/types";
import { lang, type Key } from "./i18n";
import type { PickerMode } from "./places/places";
import { PROVINCES } from "./staff/provinces";

export type Kind = "meeting" | "flight" | "hearing" | "venue" | "site";
export type Values = Record<string, string | boolean>;

export interface FieldSpec {
  name: string;
  type: "int" | "decimal" | "percent" | "text" | "date" | "select" | "bool"; // percent: 0–100
  default: string | boolean;
  options?: string[]; // select
  min?: number;
  max?: number;
  optional?: boolean; // shown under "more details"
  hint?: boolean; // a line under the field: the message `field.<name>.hint`
  optionText?: (option: string) => string; // a select's words (default: the message `mode.<option>`)
  only?: string[]; // shown (and sent) only for these presets
  picker?: PickerMode; // a text field that suggests airports, or cities, airports and stations
}

export interface CalculatorSpec {
  kind: Kind;
  fields: FieldSpec[];
  body(v: Values): FootprintCreate;
}

/** CDCER's scenes (catering, supermarket, A-grade scenic spot) and 零碳网点 (bank branch, office). */
export const SITE_PRESETS = ["bank_branch", "office", "catering", "supermarket", "scenic_spot"] as const;
type SitePreset = (typeof SITE_PRESETS)[number];
const COOLED: SitePreset[] = ["catering", "supermarket", "bank_branch", "office"]; // refrigerants
const FLEET: SitePreset[] = ["supermarket", "scenic_spot", "bank_branch", "office"]; // own vehicles
const WASTE: SitePreset[] = ["catering", "supermarket", "scenic_spot"];
const MODES = ["flight", "high_speed_rail", "coach", "bus", "metro", "car"];
/** The claim standard the footprint is worked out under (GET /factors describes both). */
const STANDARD: FieldSpec = {
  name: "standard",
  type: "select",
  default: "mee-2019",
  options: ["mee-2019", "climate-impact"],
  hint: true,
};
type Standard = "mee-2019" | "climate-impact";
type Mode = "flight" | "high_speed_rail" | "coach" | "bus" | "metro" | "car";
export interface Origin {
  from: string;
  people: number;
  round_trip: boolean;
  mode?: Mode;
}

/**
 * "北京 20，PEK 5；成都东站 3" → one origin per entry: a place and the people from it. An entry
 * without a number is sent with 0 people, so the server's 422 names it rather than it vanishing.
 */
export function parseOrigins(text: string, mode = "auto"): Origin[] {
  return text
    .split(/[,，;；、\n]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const m = /^(.+?)\s*[×xX*]?\s*(\d+)\s*人?$/.exec(entry);
      const [from, people] = m ? [m[1]!.trim(), Number(m[2])] : [entry, 0];
      const origin: Origin = { from, people, round_trip: true };
      return mode === "auto" ? origin : { ...origin, mode: mode as Mode };
    });
}

const str = (v: Values, k: string): string => String(v[k] ?? "").trim();
const num = (v: Values, k: string): number => Number(str(v, k) || "0");
/**
 * Decimals travel as the typed strings, so no float rounding happens before the server's Decimal
 * (the API accepts numbers or strings; the generated type only says number).
 */
const dec = (v: Values, k: string): number => (str(v, k) || "0") as unknown as number;
/** A percentage as typed, as the fraction string the API takes, exactly: "33.3" → "0.333". */
export function percentToFraction(typed: string): string {
  const [whole = "", part = ""] = (typed.trim() || "0").split(".");
  const digits = whole.padStart(3, "0");
  const fraction = `${digits.slice(0, -2)}.${digits.slice(-2)}${part}`;
  return fraction.replace(/^0+(?=\d)/, "").replace(/\.?0+$/, "") || "0";
}
const frac = (v: Values, k: string): number => percentToFraction(str(v, k)) as unknown as number;
const opt = <T>(cond: boolean, value: T): T | Record<string, never> => (cond ? value : {});

export const CALCULATORS: Record<Kind, CalculatorSpec> = {
  meeting: {
    kind: "meeting",
    fields: [
      { name: "attendees", type: "int", default: "50", min: 1, max: 1_000_000 },
      { name: "days", type: "int", default: "1", min: 1, max: 366 },
      { name: "city", type: "text", default: "成都" },
      { name: "origins", type: "text", default: "", hint: true, picker: "place" },
      STANDARD,
      {
        name: "out_of_town_mode",
        type: "select",
        default: "auto",
        options: ["auto", ...MODES],
        optional: true,
      },
      { name: "hotel_nights", type: "int", default: "0", min: 0, optional: true },
      { name: "name", type: "text", default: "", optional: true },
    ],
    body: (v) => ({
      kind: "meeting",
      standard: str(v, "standard") as Standard,
      meeting: {
        attendees: num(v, "attendees"),
        days: num(v, "days"),
        city: str(v, "city"),
        ...opt(str(v, "origins") !== "", {
          origins: parseOrigins(str(v, "origins"), str(v, "out_of_town_mode")),
        }),
        ...opt(num(v, "hotel_nights") > 0, { hotel_nights: num(v, "hotel_nights") }),
        ...opt(str(v, "name") !== "", { name: str(v, "name") }),
      },
    }),
  },
  flight: {
    kind: "flight",
    fields: [
      { name: "from", type: "text", default: "CTU", picker: "airport" },
      { name: "to", type: "text", default: "PEK", picker: "airport" },
      { name: "round_trip", type: "bool", default: true },
      { name: "passengers", type: "int", default: "1", min: 1, max: 10_000 },
      {
        name: "cabin",
        type: "select",
        default: "economy",
        options: ["economy", "premium_economy", "business", "first"],
      },
      { name: "full_journey", type: "bool", default: false, hint: true },
      STANDARD,
    ],
    body: (v) => ({
      kind: "flight",
      standard: str(v, "standard") as Standard,
      flight: {
        from: str(v, "from").toUpperCase(),
        to: str(v, "to").toUpperCase(),
        round_trip: v.round_trip === true,
        passengers: num(v, "passengers"),
        cabin: str(v, "cabin") as "economy",
        ...opt(v.full_journey === true, { full_journey: true }),
      },
    }),
  },
  hearing: {
    kind: "hearing",
    fields: [
      { name: "judges", type: "int", default: "3", min: 0 },
      { name: "parties", type: "int", default: "2", min: 0 },
      { name: "distance_km", type: "decimal", default: "30", min: 0 },
      { name: "mode", type: "select", default: "car", options: MODES },
      { name: "hours", type: "decimal", default: "2", min: 0 },
      { name: "city", type: "text", default: "成都" },
      STANDARD,
      { name: "case_number", type: "text", default: "", optional: true },
    ],
    body: (v) => ({
      kind: "hearing",
      standard: str(v, "standard") as Standard,
      hearing: {
        city: str(v, "city"),
        hours: dec(v, "hours"),
        participants: [
          ...(num(v, "judges") > 0 ? [{ role: "judge" as const, count: num(v, "judges") }] : []),
          ...(num(v, "parties") > 0
            ? [
                {
                  role: "party" as const,
                  count: num(v, "parties"),
                  distance_km: dec(v, "distance_km"),
                  mode: str(v, "mode") as "car",
                },
              ]
            : []),
        ],
        ...opt(str(v, "case_number") !== "", { case_number: str(v, "case_number") }),
      },
    }),
  },
  venue: {
    kind: "venue",
    fields: [
      { name: "days", type: "int", default: "1", min: 1, max: 366 },
      { name: "electricity_kwh", type: "decimal", default: "5000", min: 0 },
      // typed in per cent, sent as the fraction the API takes (a new name: old drafts held 0–1)
      { name: "green_share_pct", type: "percent", default: "0" },
      { name: "per_day", type: "int", default: "1000", min: 0 },
      { name: "trip_km", type: "decimal", default: "20", min: 0 },
      STANDARD,
      { name: "name", type: "text", default: "", optional: true },
    ],
    body: (v) => ({
      kind: "venue",
      standard: str(v, "standard") as Standard,
      venue: {
        days: num(v, "days"),
        electricity_kwh: dec(v, "electricity_kwh"),
        green_share: frac(v, "green_share_pct"),
        spectators: {
          per_day: num(v, "per_day"),
          trip_km: dec(v, "trip_km"),
        },
        ...opt(str(v, "name") !== "", { name: str(v, "name") }),
      },
    }),
  },
  site: {
    kind: "site",
    fields: [
      {
        name: "preset",
        type: "select",
        default: "bank_branch",
        options: [...SITE_PRESETS],
        hint: true,
      },
      {
        name: "province",
        type: "select",
        default: "CN-SC",
        options: Object.keys(PROVINCES),
        optionText: (o) => PROVINCES[o as keyof typeof PROVINCES][lang.value === "zh" ? 0 : 1],
      },
      { name: "period_start", type: "date", default: "2026-01-01" },
      { name: "period_end", type: "date", default: "2026-12-31" },
      { name: "electricity_kwh", type: "decimal", default: "0", min: 0, hint: true },
      { name: "green_power_pct", type: "percent", default: "0" },
      {
        name: "natural_gas_m3",
        type: "decimal",
        default: "0",
        min: 0,
        only: ["catering", "bank_branch", "office"],
      },
      { name: "petrol_l", type: "decimal", default: "0", min: 0, only: FLEET },
      {
        name: "vehicle_diesel_l",
        type: "decimal",
        default: "0",
        min: 0,
        only: ["supermarket", "scenic_spot"],
        hint: true,
      },
      {
        name: "car_km",
        type: "decimal",
        default: "0",
        min: 0,
        only: ["bank_branch", "office"],
        hint: true,
      },
      { name: "diesel_l", type: "decimal", default: "0", min: 0, only: ["scenic_spot"] },
      {
        name: "refrigerant_gas",
        type: "select",
        default: "R-410A",
        options: ["R-410A", "R-32", "R-134a", "R-22"],
        optionText: (o) => o,
        only: COOLED,
      },
      { name: "refrigerant_kg", type: "decimal", default: "0", min: 0, hint: true, only: COOLED },
      { name: "waste_kg", type: "decimal", default: "0", min: 0, only: WASTE },
      { name: "staff", type: "int", default: "0", min: 0, max: 1_000_000 },
      STANDARD,
      { name: "commute_km", type: "decimal", default: "", min: 0, optional: true, hint: true },
      { name: "working_days", type: "int", default: "", min: 0, optional: true, hint: true },
      { name: "name", type: "text", default: "", optional: true },
    ],
    body: (v) => {
      const vehicles = [
        ...(num(v, "petrol_l") > 0 ? [{ fuel: "petrol", litres: dec(v, "petrol_l") }] : []),
        ...(num(v, "vehicle_diesel_l") > 0
          ? [{ fuel: "diesel", litres: dec(v, "vehicle_diesel_l") }]
          : []),
        ...(num(v, "car_km") > 0 ? [{ vehicle: "car", km: dec(v, "car_km") }] : []),
      ] as { fuel?: "petrol" | "diesel"; litres?: number; vehicle?: "car"; km?: number }[];
      return {
        kind: "site",
        standard: str(v, "standard") as Standard,
        site: {
          preset: str(v, "preset") as SitePreset,
          province: str(v, "province"),
          period: { start: str(v, "period_start"), end: str(v, "period_end") },
          electricity_kwh: dec(v, "electricity_kwh"),
          ...opt(num(v, "green_power_pct") > 0, { green_power_pct: dec(v, "green_power_pct") }),
          ...opt(num(v, "natural_gas_m3") > 0, { natural_gas_m3: dec(v, "natural_gas_m3") }),
          ...opt(num(v, "diesel_l") > 0, { diesel_l: dec(v, "diesel_l") }),
          ...opt(num(v, "waste_kg") > 0, { waste_kg: dec(v, "waste_kg") }),
          ...opt(vehicles.length > 0, { vehicles }),
          ...opt(num(v, "refrigerant_kg") > 0, {
            refrigerants: [
              { gas: str(v, "refrigerant_gas") as "R-410A", kg: dec(v, "refrigerant_kg") },
            ],
          }),
          ...opt(num(v, "staff") > 0, {
            commuting: {
              staff: num(v, "staff"),
              ...opt(str(v, "commute_km") !== "", { trip_km: dec(v, "commute_km") }),
              ...opt(str(v, "working_days") !== "", { working_days: num(v, "working_days") }),
            },
          }),
          ...opt(str(v, "name") !== "", { name: str(v, "name") }),
        },
      };
    },
  },
};

/** The fields a form shows: a preset (a site's scene) chooses them; it never changes numbers. */
export function shownFields(spec: CalculatorSpec, v: Values): FieldSpec[] {
  return spec.fields.filter((f) => !f.only || f.only.includes(String(v.preset)));
}

/** The values of the fields shown, so a hidden field's draft is never sent. */
export function shownValues(spec: CalculatorSpec, v: Values): Values {
  return Object.fromEntries(shownFields(spec, v).map((f) => [f.name, v[f.name] ?? f.default]));
}

/**
 * What must be corrected before anything is sent, in the person's words (field → message): a
 * percentage outside 0–100, an airport that is neither picked nor a three-letter code.
 */
export function problems(spec: CalculatorSpec, v: Values): Record<string, Key> {
  const found: Record<string, Key> = {};
  for (const f of shownFields(spec, v)) {
    const typed = String(v[f.name] ?? "").trim();
    if (f.type === "percent" && !(/^\d*\.?\d*$/.test(typed) && Number(typed) <= 100)) {
      found[f.name] = "calc.badPercent";
    } else if (f.picker === "airport" && !/^[A-Za-z]{3}$/.test(typed)) {
      found[f.name] = "calc.badAirport";
    }
  }
  return found;
}

/** Defaults, then a saved draft, then the link's query (a WeChat deep link), later wins. */
export function initialValues(spec: CalculatorSpec, draft: Values | undefined, query: URLSearchParams): Values {
  const v: Values = Object.fromEntries(spec.fields.map((f) => [f.name, f.default]));
  for (const f of spec.fields) {
    if (draft && f.name in draft) v[f.name] = draft[f.name]!;
    const q = query.get(f.name);
    if (q !== null) v[f.name] = f.type === "bool" ? q === "true" || q === "1" : q;
  }
  return v;
}

type DefaultUsed = NonNullable<Footprint["defaults"]>[number];
/**
 * A default the calculation used, in the words the API sent: what was assumed (or the value and
 * its unit), then where it comes from. Its `field` is an input's path in the API, not words.
 */
export function defaultText(d: DefaultUsed): string {
  const what = d.assumption ?? [d.value, d.unit].filter(Boolean).join(" ");
  return d.source ? `${what} — ${d.source}` : what;
}
