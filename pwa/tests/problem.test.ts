import { describe, expect, it } from "vitest";
import { ApiError, explain, networkError } from "../src/app/api/problem";

const validation = (errors: { field: string; code: string; detail: string }[]) =>
  new ApiError(422, {
    type: "/problems/validation-error",
    title: "填写的内容有误",
    status: 422,
    detail: `以下内容有误：${errors.map((e) => e.field).join(", ")}。`,
    code: "core.invalid_fields",
    errors,
  });

describe("explain", () => {
  it("names the one invalid field by its form label, with the server's words for it", () => {
    const zh = validation([{ field: "meeting.attendees", code: "field.range_min_gte", detail: "不能小于 1。" }]);
    expect(explain(zh, "zh").message).toBe("参会人数：不能小于 1。");
    const en = validation([
      { field: "meeting.attendees", code: "field.range_min_gte", detail: "Must be greater than or equal to 1." },
    ]);
    expect(explain(en, "en").message).toBe("Attendees: Must be greater than or equal to 1.");
  });

  it("lists several invalid fields, each named by its label, never by its API name", () => {
    const err = validation([
      { field: "phone", code: "accounts.phone_invalid", detail: "请输入 11 位中国大陆手机号。" },
      { field: "meeting.mystery", code: "field.unknown", detail: "不认识的字段。" },
    ]);
    const out = explain(err, "zh");
    expect(out.message).toBe("请检查填写的内容。");
    expect(out.message).not.toContain("phone");
    expect(out.fields.map((f) => `${f.label}：${f.detail}`)).toEqual([
      "手机号：请输入 11 位中国大陆手机号。",
      "mystery：不认识的字段。",
    ]);
  });

  it("shows the server's words for a problem it knows by code", () => {
    const err = new ApiError(409, {
      type: "/problems/insufficient-points",
      title: "积分不足",
      detail: "积分不足：需要 1200 分，钱包里有 300 分。",
      code: "points.insufficient",
    });
    expect(explain(err, "zh").message).toBe("积分不足：需要 1200 分，钱包里有 300 分。");
  });

  it("never shows words without a code, nor a 500's internals", () => {
    const odd = new ApiError(409, { type: "/problems/new-thing", title: "New", detail: "Said so." });
    expect(explain(odd, "zh").message).toBe("出了点问题，请稍后再试。");
    const boom = new ApiError(500, { title: "Internal Server Error", detail: "trace..." });
    expect(explain(boom, "en").message).toBe(
      "The service is unavailable right now. Please try again later.",
    );
  });

  it("tells people they are offline when the request never left", () => {
    expect(explain(networkError(), "zh").message).toBe("网络未连接，请联网后重试。");
    expect(explain(new TypeError("x"), "en").message).toContain("Something went wrong");
  });
});
