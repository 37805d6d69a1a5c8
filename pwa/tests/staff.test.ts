import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { ApiError } from "../src/app/api/problem";
import { certificateNumberFrom } from "../src/app/staff/certNumber";
import {
  apiKeyBody,
  caseBody,
  fieldErrors,
  gramsFromKg,
  webhookBody,
  wechatBody,
  type CaseForm,
} from "../src/app/staff/forms";
import { en, zh } from "../src/app/staff/messages";

describe("the certificate number for 核销", () => {
  it("comes out of the verify link a certificate's QR holds", () => {
    const qr = "https://diandian.example/verify/DD-2026-000123?c=eyJhIjoxfQ&s=abc_-";
    expect(certificateNumberFrom(qr)).toBe("DD-2026-000123");
    expect(certificateNumberFrom("http://127.0.0.1:8000/verify/DD-2026-000007/")).toBe("DD-2026-000007");
  });

  it("is read from the compact QR's payload (certificate-qr v2)", () => {
    // claims.encode(Compact(2026, 123, 2_500_000, …), …) in backend/certificates/claims.py
    const payload =
      "AID6UAAAPMAAAABGEWQFCOTKXHY6WAABAIBQIBIGA4EASCQLBQGQ4DYAAAAAAAAAAAAAAAAAAAAAAAAA" +
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    expect(certificateNumberFrom(`https://diandian.example/verify/${payload}`)).toBe("DD-2026-000123");
  });

  it("is what was typed, upper case, without spaces", () => {
    expect(certificateNumberFrom("  dd-2026-000123 ")).toBe("DD-2026-000123");
    expect(certificateNumberFrom("DD 2026 000123")).toBe("DD2026000123");
  });

  it("is empty for a link to anything else (a venue, a purchase link)", () => {
    expect(certificateNumberFrom("https://diandian.example/court-purchase/cp_abc")).toBe("");
    expect(certificateNumberFrom("https://diandian.example/checkin?venue=DY-01")).toBe("");
  });
});

describe("kilograms to grams", () => {
  it("is exact on integers, up to three decimals", () => {
    expect(gramsFromKg("24000")).toBe(24_000_000);
    expect(gramsFromKg("1.5")).toBe(1_500);
    expect(gramsFromKg("0,125")).toBe(125);
    expect(gramsFromKg("0.1")).toBe(100); // no 0.1 * 1000 float drift
  });

  it("refuses what is not a positive amount", () => {
    for (const bad of ["", "0", "-1", "1.2345", "1e3", "abc"]) expect(gramsFromKg(bad), bad).toBeNull();
  });
});

const form: CaseForm = {
  courtId: 6,
  number: " (2023)川1827刑初12号 ",
  offence: "非法狩猎",
  place: "宝兴县蜂桶寨",
  province: "CN-SC",
  defendants: [
    { name: "被告人甲 ", phone: "13800138000" },
    { name: "被告人乙", phone: " " },
  ],
  massKg: "24000",
  basis: "total",
  deadline: "2099-12-31",
};

describe("form bodies", () => {
  it("open a case with grams, trimmed text and no empty phone", () => {
    expect(caseBody(form)).toEqual({
      court_id: 6,
      number: "(2023)川1827刑初12号",
      offence: "非法狩猎",
      site: { place: "宝兴县蜂桶寨", province: "CN-SC" },
      defendants: [{ name: "被告人甲", phone: "13800138000" }, { name: "被告人乙" }],
      mass_g: 24_000_000,
      mass_basis: "total",
      deadline: "2099-12-31",
    });
  });

  it("send an unreadable mass as 0, so the server names the field", () => {
    expect(caseBody({ ...form, massKg: "lots" }).mass_g).toBe(0);
  });

  it("list scopes and events in the catalogue's order, whatever the click order", () => {
    expect(apiKeyBody(" ERP ", new Set(["orders:write", "organisation:read"] as const))).toEqual({
      name: "ERP",
      scopes: ["organisation:read", "orders:write"],
    });
    expect(webhookBody(3, " https://x.example/h ", new Set(["certificate.verified", "order.paid"] as const), "")).toEqual({
      organisation_id: 3,
      url: "https://x.example/h",
      events: ["order.paid", "certificate.verified"],
      description: "",
    });
  });

  it("link a WeChat account with the API's field names", () => {
    expect(wechatBody({ name: " 服务号 ", appid: "wxb11529c136998cb6", token: "pamtest", aesKey: " k " })).toEqual({
      name: "服务号",
      appid: "wxb11529c136998cb6",
      token: "pamtest",
      encoding_aes_key: "k",
    });
  });
});

describe("errors beside their fields", () => {
  it("keys each invalid field by its API name", () => {
    const err = new ApiError(422, {
      type: "/problems/validation-error",
      errors: [
        { field: "site.place", detail: "Missing data for required field." },
        { field: "defendants.1.phone", detail: "Not a valid phone number." },
      ],
    });
    expect(fieldErrors(err, "en")).toEqual({
      "site.place": "Missing data for required field.",
      "defendants.1.phone": "Not a valid phone number.",
    });
  });

  it("gives a refusal naming one field the server's sentence, in the language asked for", () => {
    const taken = new ApiError(409, {
      type: "/problems/case-number-taken",
      detail: "本院已有相同案号的案件。",
      code: "courts.case_number_taken",
      errors: [{ field: "number", code: "courts.case_number_taken", detail: "已被使用。" }],
    });
    expect(fieldErrors(taken, "zh")).toEqual({ number: "本院已有相同案号的案件。" });
    expect(fieldErrors(new Error("x"), "zh")).toEqual({});
  });
});

describe("desk messages", () => {
  it("have the same keys and placeholders in English as in Chinese", () => {
    expectSameMessages(zh, en);
  });
});
