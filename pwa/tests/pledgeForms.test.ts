import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { bpsFromPercent } from "../src/app/staff/finance/lendForms";
import { percentOf, pledgeActions, pledgeBody, transitionBody } from "../src/app/staff/finance/pledgeForms";
import { en, zh } from "../src/app/staff/finance/pledgeMessages";

describe("a pledge's body", () => {
  it("reads the rate in percent as basis points, and what cannot be read as null", () => {
    expect(bpsFromPercent("3.45")).toBe(345);
    expect(bpsFromPercent("3.45%")).toBe(345);
    expect(bpsFromPercent("４")).toBe(400);
    expect(bpsFromPercent("0")).toBe(0);
    for (const bad of ["", "3.456", "-1", "三", "1e3"]) expect(bpsFromPercent(bad)).toBeNull();
    expect(percentOf(345)).toBe("3.45%");
  });

  it("sends the loan as fen and the bank by id", () => {
    const body = pledgeBody({ pledgeeId: "7", tonnes: "300", loan: "10000", rate: "3.45", term: "12", reference: " ", disclose: true });
    expect(body).toEqual({ pledgee_id: 7, tonnes: 300, loan_amount_fen: 1_000_000, annual_rate_bps: 345, term_months: 12, loan_reference: null, disclose_amount: true });
    expect(pledgeBody({ pledgeeId: "", tonnes: "x", loan: "1.001", rate: "", term: "0", reference: "HT-1", disclose: false })).toMatchObject({
      pledgee_id: null,
      tonnes: null,
      loan_amount_fen: null,
      annual_rate_bps: null,
      term_months: null,
      loan_reference: "HT-1",
    });
  });
});

describe("who does what to a pledge", () => {
  it("lets the pledgee register or decline a request, release or enforce a registration", () => {
    expect(pledgeActions("requested", true)).toEqual(["registered", "declined"]);
    expect(pledgeActions("registered", true)).toEqual(["released", "enforced"]);
    expect(pledgeActions("released", true)).toEqual([]);
  });

  it("lets the pledgor withdraw only a request", () => {
    expect(pledgeActions("requested", false)).toEqual(["withdrawn"]);
    expect(pledgeActions("registered", false)).toEqual([]);
  });

  it("has the same messages in both languages", () => {
    expectSameMessages(zh, en);
  });
});

describe("a transition's body", () => {
  it("carries a block-trade sale only on enforcement, and only when asked for", () => {
    expect(transitionBody("registered", " ", "9", "40")).toEqual({ to: "registered", reason: null, counterparty_id: null, price_fen_per_t: null });
    expect(transitionBody("enforced", "违约", "", "")).toMatchObject({ counterparty_id: null, price_fen_per_t: null });
    expect(transitionBody("enforced", "违约", "9", "40")).toEqual({ to: "enforced", reason: "违约", counterparty_id: 9, price_fen_per_t: 4000 });
    expect(transitionBody("enforced", "违约", "x", "40")).toMatchObject({ counterparty_id: null, price_fen_per_t: 4000 });
  });
});
