// The lending desks' numbers and request bodies, without float surprises: percent ↔ basis
// points, 万元 ↔ fen, a product's and an application's body, which published products an
// application can name (the server's own criteria, checked again there), and the steps a leg
// can take next and who takes them.
import type { components } from "../../api/schema";

type S = components["schemas"];
export type Product = S["FinanceProduct"];
export type Application = S["FinancingApplication"];
export type Leg = S["Leg"];
export type LegState = NonNullable<Leg["state"]>;

/** The project types a product may finance (the credits' catalogue, `ProjectType` on the server). */
export const PROJECT_TYPES = [
  "hydro",
  "wind",
  "solar_pv",
  "forestry",
  "coal_bed_methane",
  "biogas",
  "landfill_gas",
  "biomass",
  "energy_efficiency",
  "clean_energy_substitution",
  "greenway",
  "linpan",
  "wetland",
  "soil_fertilisation",
  "other",
] as const satisfies readonly NonNullable<S["FinancingApplicationCreate"]["project_type"]>[];

/** Basis points from a percentage as typed ("3.1", "3.10%", "０.５"), up to two decimals. */
export function bpsFromPercent(text: string): number | null {
  const ascii = text.trim().replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\s*[%％]$/, "");
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(ascii);
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bps <= 10_000 ? bps : null;
}

/** A rate in basis points as a percentage with two decimals: 310 → "3.10%". */
export const percentFromBps = (bps: number): string => `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")}%`;

/** Fen from an amount in 万元 as typed ("50", "0.5", "12.3456"), at most four decimals (1 元). */
export function fenFromWan(text: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const yuan = Number(m[1]) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
  const fen = yuan * 100;
  return fen > 0 && Number.isSafeInteger(fen) ? fen : null;
}

/** Fen as 万元 text for an input, exactly (integer arithmetic): 1_500_000 → "1.5", 100 → "0.0001";
 *  an amount below 1 元 or with a fraction of it is not writable in 万元: "". */
export function wanFromFen(fen: number | null | undefined): string {
  if (!fen || fen % 100 !== 0) return "";
  const yuan = fen / 100;
  const whole = Math.floor(yuan / 10_000);
  const rest = String(yuan % 10_000).padStart(4, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}

/** Whole months as typed, 1 to 600; else null. */
export function monthsFrom(text: string): number | null {
  const m = /^\d{1,3}$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[0]);
  return n >= 1 && n <= 600 ? n : null;
}

export interface ProductForm {
  kind: "credit" | "insurance";
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  rateMin: string; // percent
  rateMax: string;
  termMin: string; // months
  termMax: string;
  amountMin: string; // 万元
  amountMax: string;
  projectTypes: string[];
  documents: string; // one label a line
}

/** The labels of a textarea, one a line, trimmed, blank lines dropped. */
export const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The body of `POST /finance/participants/:id/products`; what cannot be read goes as null, so the
 *  server names the field in its own words. */
export const productBody = (f: ProductForm): S["FinanceProductCreate"] =>
  ({
    kind: f.kind,
    name_zh: f.nameZh,
    name_en: f.nameEn,
    description_zh: f.descriptionZh,
    description_en: f.descriptionEn,
    rate_min_bps: bpsFromPercent(f.rateMin),
    rate_max_bps: bpsFromPercent(f.rateMax),
    term_min_months: monthsFrom(f.termMin),
    term_max_months: monthsFrom(f.termMax),
    amount_min_fen: fenFromWan(f.amountMin),
    amount_max_fen: fenFromWan(f.amountMax),
    project_types: f.projectTypes,
    documents: lines(f.documents),
  }) as S["FinanceProductCreate"];

export interface ApplicationForm {
  amount: string; // 万元
  term: string; // months
  projectType: string;
  description: string;
  taxonomyCode: string;
  registryProjectId: string;
  productIds: number[];
}

export const applicationBody = (f: ApplicationForm): S["FinancingApplicationCreate"] =>
  ({
    amount_fen: fenFromWan(f.amount),
    term_months: monthsFrom(f.term),
    project_type: f.projectType,
    description: f.description,
    taxonomy_code: f.taxonomyCode.trim() || null,
    registry_project_id: f.registryProjectId.trim() ? Number(f.registryProjectId.trim()) : null,
    product_ids: f.productIds,
  }) as S["FinancingApplicationCreate"];

/** Whether a published product's criteria admit an application of this type, amount (fen) and
 *  term (months); an unknown amount or term does not exclude it yet. */
export function eligible(p: Product, projectType: string, amountFen: number | null, months: number | null): boolean {
  if (!(p.project_types ?? []).includes(projectType)) return false;
  if (amountFen !== null && (amountFen < (p.amount_min_fen ?? 0) || amountFen > (p.amount_max_fen ?? 0))) return false;
  if (months !== null && (months < (p.term_min_months ?? 0) || months > (p.term_max_months ?? 0))) return false;
  return true;
}

export type Actor = "institution" | "applicant";
export interface Step {
  to: Exclude<LegState, "applied">;
  by: Actor;
}

/** The steps a leg in `state` can take, and whose they are (the server's state machine). */
export function nextSteps(state: LegState | undefined): Step[] {
  switch (state) {
    case "applied":
      return [
        { to: "under_review", by: "institution" },
        { to: "declined", by: "institution" },
        { to: "withdrawn", by: "applicant" },
      ];
    case "under_review":
      return [
        { to: "approved", by: "institution" },
        { to: "declined", by: "institution" },
        { to: "withdrawn", by: "applicant" },
      ];
    case "approved":
      return [{ to: "disbursed", by: "institution" }];
    default:
      return [];
  }
}

/** A leg state's tone for its badge. */
export const legTone = (state: string | undefined): "ok" | "wait" | "no" =>
  state === "approved" || state === "disbursed" ? "ok" : state === "declined" || state === "withdrawn" ? "no" : "wait";

/** Today in Beijing as YYYY-MM-DD (a disbursement's default date). */
export const chinaToday = (now: Date = new Date()): string => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
