// Request bodies of the operator's and a sponsor admin's forms: a funding (money in fen or
// credits in grams) and the points it grants, a catalogue item's dates in China time.
import type { FundingRequest, NewReward } from "../api/types";
import { gramsFromKg } from "./forms";

export const REWARD_KINDS = ["coupon", "transit", "ticket", "offset"] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/** Yuan as typed ("1000", "12.5", "0.01") to integer fen, or null; no float math. */
export function fenFromYuan(text: string): number | null {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(text.trim().replace(/^[¥￥]\s*/, ""));
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return fen > 0 ? fen : null;
}

export interface FundingForm {
  kind: "money" | "credits";
  yuan: string;
  projectId: string;
  kg: string;
  memo: string;
}

/** The body of `POST /organisations/:id/sponsor/fundings`, or null while the amount is not a
 *  positive number (money: fen precision; credits: gram precision, with a project). */
export function fundingBody(f: FundingForm): FundingRequest | null {
  const memo = f.memo.trim();
  if (f.kind === "money") {
    const fen = fenFromYuan(f.yuan);
    return fen === null ? null : { amount_fen: fen, memo };
  }
  const grams = gramsFromKg(f.kg);
  const project = Number(f.projectId);
  return grams === null || !Number.isInteger(project) || project <= 0
    ? null
    : { mass_g: grams, project_id: project, memo };
}

/** The points a funding adds to the pool, as the server computes them (backend/points/sponsors.py):
 *  fen × the current rate, or one point a gram of credits. */
export const fundingPoints = (body: FundingRequest, pointsPerFen: number): number =>
  body.amount_fen != null ? body.amount_fen * pointsPerFen : (body.mass_g ?? 0);

export interface RewardForm {
  kind: RewardKind;
  titleZh: string;
  titleEn: string;
  price: string;
  stock: string;
  from: string; // YYYY-MM-DD, China date, first day on offer
  until: string; // YYYY-MM-DD, China date, last day on offer (included)
  projectId: string;
}

/** A China date's midnight (UTC+8, no daylight saving) as ISO 8601, `days` later. */
export function chinaMidnight(day: string, days = 0): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return "";
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return `${d.toISOString().slice(0, 10)}T00:00:00+08:00`;
}

/** A number as typed, or NaN so the server names the field (never a silent 0). */
const whole = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/** The body of `POST /organisations/:id/rewards`: the last day is included, so the offer ends
 *  at the next midnight in China; only an offset names its project. */
export function rewardBody(f: RewardForm): NewReward {
  const body: NewReward = {
    kind: f.kind,
    title_zh: f.titleZh.trim(),
    title_en: f.titleEn.trim(),
    price_points: whole(f.price),
    stock: whole(f.stock),
    valid_from: chinaMidnight(f.from),
    valid_until: chinaMidnight(f.until, 1),
  };
  if (f.kind === "offset" && f.projectId) body.project_id = Number(f.projectId);
  return body;
}

/** Today in China as YYYY-MM-DD, `days` later (the date inputs' defaults). */
export function chinaToday(now: Date, days = 0): string {
  const china = new Date(now.getTime() + 8 * 3600_000);
  china.setUTCDate(china.getUTCDate() + days);
  return china.toISOString().slice(0, 10);
}
