import { describe, expect, it } from "vitest";
import { airportLabel, suggest } from "../src/app/places/places";

const labels = (query: string, mode: "airport" | "place" = "airport", lang: "zh" | "en" = "zh") =>
  suggest(query, mode, lang).map((s) => s.label);

describe("the airport picker", () => {
  it("finds a city's airports by its Chinese name, busiest first, and fills the code", () => {
    expect(labels("成都")).toEqual(["成都双流 CTU", "成都天府 TFU"]);
    expect(suggest("成都", "airport", "zh").map((s) => s.value)).toEqual(["CTU", "TFU"]);
    expect(labels("北京")).toEqual(["北京首都 PEK", "北京大兴 PKX"]);
    expect(labels("天府")).toEqual(["成都天府 TFU"]);
  });

  it("finds them by pinyin, full or initials, by English name and by code", () => {
    expect(labels("chengdu").slice(0, 2)).toEqual(["成都双流 CTU", "成都天府 TFU"]);
    expect(labels("cd").slice(0, 2)).toEqual(["成都双流 CTU", "成都天府 TFU"]);
    expect(labels("kmcs")).toEqual(["昆明长水 KMG"]); // 长 read chang, as the airport spells it
    expect(labels("Beijing Daxing")).toEqual(["北京大兴 PKX"]);
    expect(labels("tfu")[0]).toBe("成都天府 TFU");
    expect(labels("PEK")[0]).toBe("北京首都 PEK");
  });

  it("puts an exact code before names that merely contain it", () => {
    expect(labels("can")[0]).toBe("广州白云 CAN");
  });

  it("speaks English when the interface does, and offers airports without a Chinese name by theirs", () => {
    expect(labels("成都", "airport", "en")).toEqual(["Chengdu Shuangliu CTU", "Chengdu Tianfu TFU"]);
    expect(labels("ningbo")).toEqual(["Ningbo Lishe NGB"]);
    expect(airportLabel("tfu", "zh")).toBe("成都天府 TFU");
    expect(airportLabel("TFU", "en")).toBe("Chengdu Tianfu TFU");
    expect(airportLabel("成都", "zh")).toBeUndefined();
  });

  it("offers nothing for an empty query or a place it does not know", () => {
    expect(suggest("  ", "airport", "zh")).toEqual([]);
    expect(suggest("火星", "airport", "zh")).toEqual([]);
    expect(suggest("cd", "airport", "zh", 3)).toHaveLength(3);
  });
});

describe("the place picker (a meeting's origins)", () => {
  it("offers the city, its airports and its railway station", () => {
    expect(suggest("成都", "place", "zh")).toEqual([
      { kind: "city", label: "成都", value: "成都" },
      { kind: "airport", label: "成都双流 CTU", value: "CTU" },
      { kind: "airport", label: "成都天府 TFU", value: "TFU" },
      { kind: "station", label: "成都站", value: "成都站" },
    ]);
  });

  it("offers the station a name spells out", () => {
    expect(labels("成都东", "place")).toEqual(["成都东站"]);
    expect(labels("北京南站", "place")).toEqual(["北京南站"]);
  });

  it("inserts what the server reads in English too", () => {
    const xian = suggest("xian", "place", "en");
    expect(xian[0]).toEqual({ kind: "city", label: "Xi'an", value: "Xi'an" });
    expect(xian).toContainEqual({ kind: "airport", label: "Xi'an Xianyang XIY", value: "XIY" });
    expect(suggest("chengdu", "place", "en").at(-1)).toEqual({
      kind: "station",
      label: "成都站 (Chengdu)",
      value: "成都站",
    });
  });
});
