// A pledge's request body, read without float surprises: tonnes and months as whole numbers, the
// loan in yuan as fen, the annual rate in percent as basis points; what cannot be read is sent
// as null, so the server names the field in its own words.
import type { components } from "../../api/schema";
import { tonnesFrom } from "../registry/forms";
import { fenFromYuan } from "../sponsorForms";
import { bpsFromPercent } from "./lendForms";

type S = components["schemas"];
export type Pledge = S["Pledge"];
export type PledgeNotice = S["PledgeNotice"];
export type Institution = S["Institution"];
export type PledgeState = NonNullable<Pledge["state"]>;
/** A state a pledge is moved to (`POST /finance/pledges/{id}/transitions`). */
export type PledgeStep = Exclude<PledgeState, "requested">;

export interface PledgeForm {
  pledgeeId: string;
  tonnes: string;
  loan: string;
  rate: string;
  term: string;
  reference: string;
  disclose: boolean;
}

/** Basis points as a percentage ("3.45%"). */
export const percentOf = (bps: number): string => `${(bps / 100).toFixed(2)}%`;

export const pledgeBody = (f: PledgeForm): S["PledgeCreate"] => ({
  pledgee_id: f.pledgeeId ? Number(f.pledgeeId) : (null as unknown as number),
  tonnes: tonnesFrom(f.tonnes) as number,
  loan_amount_fen: fenFromYuan(f.loan) as number,
  annual_rate_bps: bpsFromPercent(f.rate) as number,
  term_months: tonnesFrom(f.term) as number,
  loan_reference: f.reference.trim() || null,
  disclose_amount: f.disclose,
});

/** What a pledge's pledgee (`asPledgee`) or pledgor may do to it now. */
export function pledgeActions(state: PledgeState | undefined, asPledgee: boolean): PledgeStep[] {
  if (asPledgee) {
    if (state === "requested") return ["registered", "declined"];
    if (state === "registered") return ["released", "enforced"];
    return [];
  }
  return state === "requested" ? ["withdrawn"] : [];
}

/** A transition's body: the reason if any; on enforcement, a block-trade sale when a buyer's
 *  account number is given (its price read as fen). */
export function transitionBody(to: PledgeStep, reason: string, counterparty: string, price: string): S["PledgeTransition"] {
  const body: S["PledgeTransition"] = { to, reason: reason.trim() || null, counterparty_id: null, price_fen_per_t: null };
  if (to === "enforced" && (counterparty.trim() || price.trim())) {
    body.counterparty_id = /^\d{1,10}$/.test(counterparty.trim()) ? Number(counterparty.trim()) : null;
    body.price_fen_per_t = fenFromYuan(price);
  }
  return body;
}
