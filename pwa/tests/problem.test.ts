import { describe, expect, it } from "vitest";
import { ApiError, explain, networkError } from "../src/app/api/problem";

const validation = (errors: { field: string; detail: string }[]) =>
  new ApiError(422, {
    type: "/problems/validation-error",
    title: "Validation failed",
    status: 422,
    errors,
  });

describe("explain", () => {
  it("names the one invalid field by its form label", () => {
    const err = validation([{ field: "meeting.attendees", detail: "Must be at least 1." }]);
    expect(explain(err, "zh").message).toBe("参会人数：Must be at least 1.");
    expect(explain(err, "en").message).toBe("Attendees: Must be at least 1.");
  });

  it("lists several invalid fields, each named", () => {
    const err = validation([
      { field: "phone", detail: "Not a valid phone number." },
      { field: "meeting.mystery", detail: "Unknown field." },
    ]);
    const out = explain(err, "en");
    expect(out.message).toBe("Please check what you entered.");
    expect(out.fields.map((f) => `${f.label}: ${f.detail}`)).toEqual([
      "Phone number: Not a valid phone number.",
      "mystery: Unknown field.",
    ]);
  });

  it("words known problems in the person's language, not the server's English", () => {
    const err = new ApiError(409, {
      type: "/problems/insufficient-points",
      title: "Insufficient points",
      detail: "1200 points needed in wallet.",
    });
    expect(explain(err, "zh").message).toBe("积分不足。");
  });

  it("uses the server's detail for an unknown problem, and never shows a 500's internals", () => {
    const odd = new ApiError(409, { type: "/problems/new-thing", title: "New", detail: "Said so." });
    expect(explain(odd, "en").message).toBe("Said so.");
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
