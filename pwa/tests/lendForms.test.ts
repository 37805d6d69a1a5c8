import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import {
  applicationBody,
  bpsFromPercent,
  chinaToday,
  eligible,
  fenFromWan,
  lines,
  monthsFrom,
  nextSteps,
  percentFromBps,
  productBody,
  wanFromFen,
  type Product,
} from "../src/app/staff/finance/lendForms";
import { en, zh } from "../src/app/staff/finance/lendMessages";

const product = (over: Partial<Product> = {}): Product => ({
  project_types: ["solar_pv", "hydro"],
  amount_min_fen: 500_000_00,
  amount_max_fen: 50_000_000_00,
  term_min_months: 12,
  term_max_months: 60,
  ...over,
});

describe("rates, amounts and terms as typed", () => {
  it("reads percentages into basis points, two decimals at most, up to 100 %", () => {
    expect(bpsFromPercent("3.1")).toBe(310);
    expect(bpsFromPercent("3.45%")).toBe(345);
    expect(bpsFromPercent("０.５")).toBe(50);
    expect(bpsFromPercent("100")).toBe(10_000);
    expect(bpsFromPercent("100.01")).toBeNull();
    expect(bpsFromPercent("3.456")).toBeNull();
    expect(bpsFromPercent("-1")).toBeNull();
    expect(percentFromBps(310)).toBe("3.10%");
    expect(percentFromBps(5)).toBe("0.05%");
  });

  it("reads 万元 into fen exactly and writes fen back as 万元", () => {
    expect(fenFromWan("50")).toBe(50 * 1_000_000);
    expect(fenFromWan("0.0001")).toBe(100);
    expect(fenFromWan("12.3456")).toBe(123_456_00);
    expect(fenFromWan("0")).toBeNull();
    expect(fenFromWan("1.23456")).toBeNull();
    expect(fenFromWan("abc")).toBeNull();
    expect(wanFromFen(1_500_000)).toBe("1.5");
    expect(wanFromFen(123_456_00)).toBe("12.3456");
    expect(wanFromFen(100)).toBe("0.0001");
    expect(wanFromFen(50)).toBe("");
    expect(wanFromFen(undefined)).toBe("");
    for (const text of ["1", "0.1", "9999.9999", "123456.78"]) expect(wanFromFen(fenFromWan(text))).toBe(text);
  });

  it("reads whole months from 1 to 600", () => {
    expect(monthsFrom(" 36 ")).toBe(36);
    expect(monthsFrom("0")).toBeNull();
    expect(monthsFrom("601")).toBeNull();
    expect(monthsFrom("1.5")).toBeNull();
  });
});

describe("request bodies", () => {
  it("sends what cannot be read as null so the server names the field", () => {
    const body = productBody({
      kind: "insurance",
      nameZh: "天气指数保险",
      nameEn: "Weather index insurance",
      descriptionZh: "按指数赔付",
      descriptionEn: "Pays on an index",
      rateMin: "1.5",
      rateMax: "x",
      termMin: "12",
      termMax: "12",
      amountMin: "10",
      amountMax: "2000",
      projectTypes: ["hydro"],
      documents: "营业执照\n\n 项目位置 \n",
    });
    expect(body).toMatchObject({ rate_min_bps: 150, rate_max_bps: null, amount_min_fen: 10_000_000, documents: ["营业执照", "项目位置"] });
    expect(lines("a\r\nb\n")).toEqual(["a", "b"]);
    const app = applicationBody({ amount: "200", term: "36", projectType: "solar_pv", description: "光伏", taxonomyCode: " ", registryProjectId: "", productIds: [3, 4] });
    expect(app).toEqual({
      amount_fen: 200_000_000,
      term_months: 36,
      project_type: "solar_pv",
      description: "光伏",
      taxonomy_code: null,
      registry_project_id: null,
      product_ids: [3, 4],
    });
  });
});

describe("which products an application can name", () => {
  it("keeps a product whose type, amount and term admit it; unknown amounts do not exclude", () => {
    expect(eligible(product(), "solar_pv", 1_000_000_00, 36)).toBe(true);
    expect(eligible(product(), "forestry", 1_000_000_00, 36)).toBe(false);
    expect(eligible(product(), "solar_pv", 100, 36)).toBe(false);
    expect(eligible(product(), "solar_pv", 1_000_000_00, 61)).toBe(false);
    expect(eligible(product(), "solar_pv", null, null)).toBe(true);
  });
});

describe("a leg's next steps", () => {
  it("follows the server's state machine and says whose each step is", () => {
    expect(nextSteps("applied")).toEqual([
      { to: "under_review", by: "institution" },
      { to: "declined", by: "institution" },
      { to: "withdrawn", by: "applicant" },
    ]);
    expect(nextSteps("under_review").map((s) => s.to)).toEqual(["approved", "declined", "withdrawn"]);
    expect(nextSteps("approved")).toEqual([{ to: "disbursed", by: "institution" }]);
    for (const done of ["disbursed", "declined", "withdrawn"] as const) expect(nextSteps(done)).toEqual([]);
  });

  it("dates a disbursement today in Beijing", () => {
    expect(chinaToday(new Date("2026-12-07T17:00:00Z"))).toBe("2026-12-08");
    expect(chinaToday(new Date("2026-12-07T15:59:00Z"))).toBe("2026-12-07");
  });
});

describe("the lending messages", () => {
  it("have the same keys and placeholders in both languages", () => {
    expectSameMessages(zh, en);
  });
});
