// Display formatting for integer grams, integer fen, points and dates. No float reaches a total.
import { locale, type Lang } from "./i18n";

// Building an Intl formatter costs far more than using one (a chart of 30 rows built 100 of
// them: a 400 ms long task on a throttled phone), so each is built once per language and options.
const made = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = made.get(key) as F | undefined;
  if (!f) made.set(key, (f = make()));
  return f;
}
const numbers = (l: Lang, o: Intl.NumberFormatOptions = {}): Intl.NumberFormat =>
  cached(`n${l}${JSON.stringify(o)}`, () => new Intl.NumberFormat(locale(l), o));
const dates = (l: Lang, o: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  cached(`d${l}${JSON.stringify(o)}`, () => new Intl.DateTimeFormat(locale(l), o));

const group = (n: number, l: Lang): string => numbers(l).format(n);

/** Grams CO2e as g, kg (one decimal) or t (two decimals), rounded half up for display only. */
export function formatMass(g: number, l: Lang): string {
  const sign = g < 0 ? "-" : "";
  const abs = Math.abs(g);
  if (abs < 1000) return `${sign}${group(abs, l)} g`;
  if (abs < 1_000_000) return `${sign}${decimal(abs, 100, 1, l)} kg`;
  return `${sign}${decimal(abs, 10_000, 2, l)} t`;
}

export type MassUnit = "g" | "kg" | "t";

/** The unit a set of masses reads best in: that of the largest (a chart's one axis unit). */
export function massUnit(maxG: number): MassUnit {
  const abs = Math.abs(maxG);
  return abs < 1000 ? "g" : abs < 1_000_000 ? "kg" : "t";
}

/** Grams CO2e in a given unit, with formatMass's decimals: "0.35 t", "1,234.5 kg". */
export function formatMassIn(g: number, unit: MassUnit, l: Lang): string {
  const sign = g < 0 ? "-" : "";
  const abs = Math.abs(g);
  if (unit === "g") return `${sign}${group(abs, l)} g`;
  if (unit === "kg") return `${sign}${decimal(abs, 100, 1, l)} kg`;
  return `${sign}${decimal(abs, 10_000, 2, l)} t`;
}

/** `value / (unit × 10^places)` with `places` decimals, computed on integers. */
function decimal(value: number, unit: number, places: number, l: Lang): string {
  const scaled = Math.floor((value + unit / 2) / unit); // in 10^-places of the display unit
  const factor = 10 ** places;
  const whole = Math.floor(scaled / factor);
  const frac = String(scaled % factor).padStart(places, "0");
  return `${group(whole, l)}.${frac}`;
}

/** Fen as a currency amount: "¥12.34" / "CN¥12.34"; the integer part grouped, exact cents. */
export function formatMoney(fen: number, currency: string, l: Lang): string {
  const abs = Math.abs(fen);
  const whole = numbers(l, {
    style: "currency",
    currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  }).format(Math.floor(abs / 100));
  const cents = String(abs % 100).padStart(2, "0");
  const withCents = whole.replace(/(\d)(?!.*\d)/, `$1.${cents}`); // after the last digit
  return fen < 0 ? `-${withCents}` : withCents;
}

/** Whole tonnes, a registry's units (issued, expected a year): "1,000 t", never decimals. */
export function formatTonnes(t: number, l: Lang): string {
  return `${group(t, l)} t`;
}

export function formatPoints(n: number, l: Lang): string {
  return group(n, l);
}

/** Every date and time a person reads is China's, wherever the browser is (as on certificates,
 * reports and the verify page). */
export const CHINA = "Asia/Shanghai";

/** The China date of an instant ("2026-12-06T23:30:00Z" is 7 December). */
export function formatDate(iso: string, l: Lang): string {
  return dates(l, { dateStyle: "medium", timeZone: CHINA }).format(new Date(iso));
}

/** A calendar day as the API writes it ("2099-12-31", China time), the same day everywhere. */
export function formatDay(day: string, l: Lang): string {
  return dates(l, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

export function formatDateTime(iso: string, l: Lang): string {
  return dates(l, { dateStyle: "medium", timeStyle: "short", timeZone: CHINA }).format(new Date(iso));
}

/** A phone number as the screen shows it, never in full: a mainland number as 139****0000,
 * others with their country code, at most three leading and the last four digits (the backend's
 * `mask_phone` hides as much for people other than the owner). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length === 0) return "";
  const mainland = phone.startsWith("+86") && digits.length === 13;
  const national = mainland ? digits.slice(2) : digits;
  const prefix = !mainland && phone.trim().startsWith("+") ? "+" : "";
  const tail = national.slice(-4);
  const head = national.slice(0, Math.max(0, Math.min(3, national.length - 8)));
  const hidden = Math.max(4, national.length - head.length - tail.length);
  return `${prefix}${head}${"*".repeat(hidden)}${tail}`;
}
