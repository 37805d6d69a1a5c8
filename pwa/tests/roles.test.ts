import { describe, expect, it } from "vitest";
import type { Me } from "../src/app/api/types";
import { remember, remembered } from "../src/app/courtPurchase";
import { actingCourts, adminOrgs, seesCourts, staffOrgs } from "../src/app/roles";

const person = (organisations: Me["organisations"], operator = false): Me => ({ id: 1, operator, organisations });
const company = { id: 2, name: "成都蓉城科技", kind: "company" as const };
const court = { id: 6, name: "宝兴县人民法院", kind: "court" as const };

describe("who sees the desks", () => {
  it("a citizen sees neither", () => {
    const me = person([]);
    expect(adminOrgs(me)).toEqual([]);
    expect(seesCourts(me)).toBe(false);
    expect(adminOrgs(null)).toEqual([]);
  });

  it("an admin sees the organisation, a member does not", () => {
    expect(adminOrgs(person([{ organisation: company, roles: ["admin"] }]))).toEqual([company]);
    expect(adminOrgs(person([{ organisation: company, roles: ["member"] }]))).toEqual([]);
  });

  it("a member opens the desk of a venue's organisation, not of a court", () => {
    expect(staffOrgs(person([{ organisation: company, roles: ["member"] }]))).toEqual([company]);
    expect(staffOrgs(person([{ organisation: court, roles: ["clerk"] }]))).toEqual([]);
    expect(staffOrgs(person([{ organisation: court, roles: ["admin"] }]))).toEqual([court]);
  });

  it("a clerk sees the court desk and acts for the court; an upper-court admin only reads", () => {
    const clerk = person([{ organisation: court, roles: ["clerk"] }]);
    expect(seesCourts(clerk)).toBe(true);
    expect(actingCourts(clerk)).toEqual([court]);
    const reader = person([{ organisation: court, roles: ["admin"] }]);
    expect(seesCourts(reader)).toBe(true);
    expect(actingCourts(reader)).toEqual([]);
  });

  it("an operator reads every court", () => {
    expect(seesCourts(person([], true))).toBe(true);
  });
});

describe("a purchase link's order", () => {
  const store = (): Storage => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
    } as Storage;
  };

  it("keeps one Idempotency-Key per link, so a retry returns the same order", () => {
    const s = store();
    const first = remembered("cp_a", s);
    expect(remembered("cp_a", s).idempotencyKey).not.toBe(first.idempotencyKey); // not saved yet
    remember("cp_a", { ...first, orderId: "ord_1" }, s);
    expect(remembered("cp_a", s)).toEqual({ idempotencyKey: first.idempotencyKey, orderId: "ord_1" });
    expect(remembered("cp_b", s).orderId).toBeUndefined();
  });
});
