import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { actions, allowed, dealBody, estimate, feeFen, listingBody, quantityFor, sandboxAmount, sandboxReference, type Listing } from "../src/app/staff/market/forms";
import { en, zh } from "../src/app/staff/market/messages";

const listing = (over: Partial<Listing>): Listing => ({ standard: "CDCER", project_type: "greenway", price_fen_per_t: 5000, remaining_t: 100, min_lot_t: 10, state: "open", ...over });

describe("a purchase's amount and fee estimate", () => {
  it("is quantity × price plus the rule's basis points of it, rounded down as the server does", () => {
    expect(estimate(30, 5000, 25)).toEqual({ amountFen: 150_000, feeFen: 375, totalFen: 150_375 });
    expect(feeFen(399, 25)).toBe(0); // 0.9975 fen: in the customer's favour
    expect(feeFen(400, 25)).toBe(1);
    expect(estimate(3, 3333, 30)).toEqual({ amountFen: 9_999, feeFen: 29, totalFen: 10_028 });
  });

  it("allows from the minimum lot (or what is left, if less) to what is left", () => {
    expect(allowed(listing({}))).toEqual({ low: 10, high: 100 });
    expect(allowed(listing({ remaining_t: 4 }))).toEqual({ low: 4, high: 4 });
    expect(quantityFor(listing({}), "30")).toBe(30);
    expect(quantityFor(listing({}), "１００")).toBe(100);
    for (const bad of ["9", "101", "", "12.5", "三十"]) expect(quantityFor(listing({}), bad)).toBeNull();
  });
});

describe("the market's bodies", () => {
  it("lists with the price read as fen, and what cannot be read as null", () => {
    expect(listingBody(3, 9, { tonnes: "100", price: "¥50", minLot: "10" })).toEqual({ seller_id: 3, holding_id: 9, tonnes: 100, price_fen_per_t: 5000, min_lot_t: 10 });
    expect(listingBody(3, 9, { tonnes: "1,000", price: "49.99", minLot: "0" })).toMatchObject({ tonnes: 1000, price_fen_per_t: 4999, min_lot_t: null });
    expect(listingBody(3, 9, { tonnes: "x", price: "50.001", minLot: "1" })).toMatchObject({ tonnes: null, price_fen_per_t: null });
  });

  it("names a seller's holding, a buyer's issuance, and an agreement's contract", () => {
    const f = { mode: "block" as const, side: "seller" as const, counterparty: "7", holdingId: "12", issuanceId: "5", tonnes: "100000", price: "48.5", contract: " C-1 " };
    expect(dealBody(3, f)).toEqual({ side: "seller", participant_id: 3, counterparty_id: 7, quantity_t: 100_000, price_fen_per_t: 4850, holding_id: 12 });
    expect(dealBody(3, { ...f, mode: "agreement", side: "buyer", counterparty: "x" })).toEqual({
      side: "buyer",
      participant_id: 3,
      counterparty_id: null,
      quantity_t: 100_000,
      price_fen_per_t: 4850,
      issuance_id: 5,
      contract_reference: "C-1",
    });
  });

  it("reads a sandbox reference's amount, for this account only", () => {
    const ref = sandboxReference(12, 1_000_000, "a1");
    expect(ref).toBe("SBX-12-1000000-a1");
    expect(sandboxAmount(12, ref)).toBe(1_000_000);
    expect(sandboxAmount(13, ref)).toBeNull();
    expect(sandboxAmount(12, "SBX-12-0-a")).toBeNull();
    expect(sandboxAmount(12, "BANK-123")).toBeNull();
  });
});

describe("a deal in the list", () => {
  it("is withdrawn by its proposer, accepted or declined by the other side, and left alone once closed", () => {
    expect(actions({ state: "proposed", proposed_by_us: true })).toEqual(["withdrawn"]);
    expect(actions({ state: "proposed", proposed_by_us: false })).toEqual(["settled", "declined"]);
    for (const state of ["settled", "declined", "withdrawn"] as const) {
      expect(actions({ state, proposed_by_us: false })).toEqual([]);
    }
  });
});

describe("the market's messages", () => {
  it("has every message in English too, with the same placeholders", () => {
    expectSameMessages(zh, en);
  });
});
