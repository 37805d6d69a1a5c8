import { describe, expect, it } from "vitest";
import type { Purpose } from "../src/app/api/types";
import { purposeText } from "../src/app/purpose";

const flight: Purpose = {
  kind: "flight",
  name: "",
  route: ["CTU", "PEK"],
  round_trip: true,
  text: {
    zh: "航班：成都双流 CTU → 北京首都 PEK（往返）",
    en: "Flight: Chengdu Shuangliu CTU → Beijing Capital PEK (return)",
  },
};

describe("purposeText", () => {
  it("reads the purpose in the chosen language", () => {
    expect(purposeText(flight, "", "zh")).toBe("航班：成都双流 CTU → 北京首都 PEK（往返）");
    expect(purposeText(flight, "", "en")).toBe(
      "Flight: Chengdu Shuangliu CTU → Beijing Capital PEK (return)",
    );
  });

  it("falls back to the Chinese text of a record without a structured purpose", () => {
    expect(purposeText(undefined, "会议：旧会议", "en")).toBe("会议：旧会议");
  });

  it("never shows a raw kind", () => {
    expect(purposeText(flight, "", "en")).not.toMatch(/^flight:/);
  });
});
