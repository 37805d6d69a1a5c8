// The market's numbers and request bodies, without float surprises: a purchase's amount and fee
// estimate, the quantities a listing allows, a listing's body and a sandbox deposit's reference.
import type { components } from "../../api/schema";
import { tonnesFrom } from "../registry/forms";
import { fenFromYuan } from "../sponsorForms";

type S = components["schemas"];
export type Listing = S["Listing"];
export type DealLine = S["DealLine"];

/** A fee in fen: `bps` basis points of the amount, rounded down as the server does. The buyer's
 *  rate is the one `GET /market/rules` says is in force (docs/market.md "Rules and their
 *  sources"); only an estimate: the trade the server answers carries the fee that counts. */
export const feeFen = (amountFen: number, bps: number): number => Math.floor((amountFen * bps) / 10_000);

export interface Estimate {
  amountFen: number;
  feeFen: number;
  totalFen: number;
}

/** What buying `quantity` tonnes at `priceFen` a tonne costs: amount, fee and both. */
export function estimate(quantity: number, priceFen: number, bps: number): Estimate {
  const amountFen = quantity * priceFen;
  const fee = feeFen(amountFen, bps);
  return { amountFen, feeFen: fee, totalFen: amountFen + fee };
}

/** The tonnes a listing can sell in one pick: from its minimum lot (or what is left, if less)
 *  up to what is left. */
export function allowed(l: Pick<Listing, "min_lot_t" | "remaining_t">): { low: number; high: number } {
  const high = l.remaining_t ?? 0;
  return { low: Math.min(l.min_lot_t ?? 1, high), high };
}

/** Tonnes as typed, if the listing can sell that many in one pick; else null. */
export function quantityFor(l: Pick<Listing, "min_lot_t" | "remaining_t">, text: string): number | null {
  const n = tonnesFrom(text);
  const { low, high } = allowed(l);
  return n !== null && n >= low && n <= high ? n : null;
}

export interface ListingForm {
  tonnes: string;
  price: string;
  minLot: string;
}

/** The body of `POST /market/listings`; what cannot be read goes as null, so the server names
 *  the field in its own words. */
export const listingBody = (sellerId: number, holdingId: number, f: ListingForm): S["ListingCreate"] =>
  ({
    seller_id: sellerId,
    holding_id: holdingId,
    tonnes: tonnesFrom(f.tonnes),
    price_fen_per_t: fenFromYuan(f.price),
    min_lot_t: tonnesFrom(f.minLot),
  }) as S["ListingCreate"];

/** A sandbox bank reference that credits `fen` to the participant (docs/market.md "Funds"). */
export const sandboxReference = (participantId: number, fen: number, tail: string): string => `SBX-${participantId}-${fen}-${tail}`;

/** The amount a sandbox reference names, if it is one for this participant. */
export function sandboxAmount(participantId: number, reference: string): number | null {
  const m = /^SBX-(\d+)-(\d+)-.+$/.exec(reference.trim());
  return m && Number(m[1]) === participantId && Number(m[2]) > 0 ? Number(m[2]) : null;
}

export interface DealForm {
  mode: "block" | "agreement";
  side: "seller" | "buyer";
  counterparty: string;
  holdingId: string;
  issuanceId: string;
  tonnes: string;
  price: string;
  contract: string;
}

const idFrom = (text: string): number | null => (/^\s*[1-9]\d{0,9}\s*$/.test(text) ? Number(text) : null);

/** The body of `POST /market/block-trades` or `/market/agreements`: a seller names its holding,
 *  a buyer the issuance it wants; only an agreement has a contract. */
export function dealBody(participantId: number, f: DealForm): S["AgreementCreate"] | S["BlockTradeCreate"] {
  const body: Record<string, unknown> = {
    side: f.side,
    participant_id: participantId,
    counterparty_id: idFrom(f.counterparty),
    quantity_t: tonnesFrom(f.tonnes),
    price_fen_per_t: fenFromYuan(f.price),
  };
  if (f.side === "seller") body.holding_id = idFrom(f.holdingId);
  else body.issuance_id = idFrom(f.issuanceId);
  if (f.mode === "agreement") body.contract_reference = f.contract.trim();
  return body as unknown as S["AgreementCreate"];
}

/** What this side may do with a deal: nothing once it is closed; its proposer withdraws it; the
 *  other side accepts (settles) or declines it. */
export const actions = (d: Pick<DealLine, "state" | "proposed_by_us">): S["DealTransition"]["to"][] =>
  d.state !== "proposed" ? [] : d.proposed_by_us ? ["withdrawn"] : ["settled", "declined"];
