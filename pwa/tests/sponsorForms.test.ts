import { describe, expect, it } from "vitest";
import { chinaMidnight, chinaToday, fenFromYuan, fundingBody, fundingPoints, rewardBody } from "../src/app/staff/sponsorForms";

describe("a funding's amount", () => {
  it("is yuan as typed, to the fen, with no float rounding", () => {
    expect(fenFromYuan("100.5")).toBe(10050);
    expect(fenFromYuan("¥ 0.01")).toBe(1);
    expect(fenFromYuan("1234567.89")).toBe(123456789);
    expect(fenFromYuan("0.29")).toBe(29); // 0.29 * 100 is 28.999… in floats
  });

  it("is nothing for zero, a third decimal, a sign or words", () => {
    for (const bad of ["", "0", "0.00", "1.005", "-5", "1e3", "一百"]) expect(fenFromYuan(bad)).toBeNull();
  });

  it("is money or credits of a project, and grants the points the server will", () => {
    const money = fundingBody({ kind: "money", yuan: "100.5", projectId: "", kg: "", memo: " 合同 " });
    expect(money).toEqual({ amount_fen: 10050, memo: "合同" });
    expect(fundingPoints(money!, 775)).toBe(7_788_750);
    const credits = fundingBody({ kind: "credits", yuan: "", projectId: "3", kg: "1.5", memo: "" });
    expect(credits).toEqual({ mass_g: 1500, project_id: 3, memo: "" });
    expect(fundingPoints(credits!, 775)).toBe(1500);
    expect(fundingBody({ kind: "credits", yuan: "", projectId: "", kg: "1", memo: "" })).toBeNull();
  });
});

describe("a catalogue item", () => {
  const form = {
    kind: "coupon" as const,
    titleZh: " 徽章 ",
    titleEn: "Badge",
    price: "800",
    stock: "50",
    from: "2026-12-31",
    until: "2027-01-31",
    projectId: "7",
  };

  it("is on offer from the first day's midnight to the end of the last, China time", () => {
    const body = rewardBody(form);
    expect(body.valid_from).toBe("2026-12-31T00:00:00+08:00");
    expect(body.valid_until).toBe("2027-02-01T00:00:00+08:00");
    expect(body.title_zh).toBe("徽章");
    expect(body.project_id).toBeUndefined(); // only an offset names a project
    expect(rewardBody({ ...form, kind: "offset" }).project_id).toBe(7);
  });

  it("sends what cannot be a number as null, so the server names the field", () => {
    expect(JSON.parse(JSON.stringify(rewardBody({ ...form, price: "8.5", stock: "" })))).toMatchObject({
      price_points: null,
      stock: null,
    });
    expect(chinaMidnight("")).toBe("");
  });

  it("defaults to today in China, which starts at 16:00 UTC", () => {
    expect(chinaToday(new Date("2026-12-07T15:59:00Z"))).toBe("2026-12-07");
    expect(chinaToday(new Date("2026-12-07T16:00:00Z"))).toBe("2026-12-08");
    expect(chinaToday(new Date("2026-12-31T16:00:00Z"), 30)).toBe("2027-01-31");
  });
});
