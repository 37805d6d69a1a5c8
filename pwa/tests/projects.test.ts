import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import type { PublicProject, TracedGrams } from "../src/app/api/types";
import { formatTonnes } from "../src/app/format";
import { methodologyChoices, nameIn, place, traceGroups, traceTotals, withMethodology } from "../src/app/projects";
import { en, zh } from "../src/app/screens/registryMessages";

const LD = { code: "CDCER-LD", name_zh: "天府绿道", name_en: "Tianfu Greenway", version: "2020" };
const LP = { code: "CDCER-LP", name_zh: "川西林盘", name_en: "West Sichuan Linpan", version: "2020" };
const project = (id: number, methodology: typeof LD): PublicProject => ({
  id,
  name_zh: `项目${id}`,
  name_en: `Project ${id}`,
  methodology,
  province: "CN-SC",
  city: "成都市",
});

const unit = (serial: string, lot: number, ref: string | null, issuance: number | null, mass = 1_000_000): TracedGrams => ({
  serial,
  lot_id: lot,
  mass_g: mass,
  gram_start: 0,
  gram_end: mass,
  registry_ref: ref,
  origin: issuance === null ? null : { issuance_id: issuance, project_id: 1 },
});

describe("the registry pages' messages", () => {
  it("has the same keys and placeholders in English as in Chinese", () => {
    expectSameMessages(zh, en);
  });
});

describe("names, places and tonnes", () => {
  it("names a methodology or project in the language shown", () => {
    expect(nameIn(LD, "zh")).toBe("天府绿道");
    expect(nameIn(LD, "en")).toBe("Tianfu Greenway");
    expect(nameIn({}, "en")).toBe("");
  });

  it("writes a province by its short name, then the city", () => {
    expect(place("CN-SC", "成都市", "zh")).toBe("四川 · 成都市");
    expect(place("CN-SC", "成都市", "en")).toBe("Sichuan · 成都市");
    expect(place(undefined, "成都市", "zh")).toBe("成都市");
  });

  it("writes whole tonnes grouped, without decimals", () => {
    expect(formatTonnes(1000, "zh")).toBe("1,000 t");
    expect(formatTonnes(0, "en")).toBe("0 t");
  });
});

describe("the methodology filter", () => {
  const projects = [project(3, LP), project(2, LD), project(1, LP)];

  it("offers each methodology in use once, by code", () => {
    expect(methodologyChoices(projects).map((m) => m.code)).toEqual(["CDCER-LD", "CDCER-LP"]);
    expect(methodologyChoices([])).toEqual([]);
  });

  it("keeps the chosen methodology's projects in their order, or all when none is chosen", () => {
    expect(withMethodology(projects, "CDCER-LP").map((p) => p.id)).toEqual([3, 1]);
    expect(withMethodology(projects, null)).toBe(projects);
    expect(withMethodology(projects, "CDCER-QN")).toEqual([]);
  });
});

describe("a certificate's trace", () => {
  it("gathers adjacent allocations of one lot, retirement and origin into one card", () => {
    const units = [
      unit("A-1", 7, "RET-1", null),
      unit("A-2", 7, "RET-1", null),
      unit("A-3", 7, null, null), // same lot, not yet retired at the registry: a card of its own
      unit("B-9", 9, null, 4, 500_000),
      unit("B-10", 9, null, 4, 250_000),
    ];
    const groups = traceGroups(units);
    expect(
      groups.map((g) => [g.lotId, g.registryRef, g.origin?.issuance_id ?? null, g.allocations.length, g.massG, g.firstSerial, g.lastSerial]),
    ).toEqual([
      [7, "RET-1", null, 2, 2_000_000, "A-1", "A-2"],
      [7, null, null, 1, 1_000_000, "A-3", "A-3"],
      [9, null, 4, 2, 750_000, "B-9", "B-10"],
    ]);
    expect(traceGroups([])).toEqual([]);
  });

  it("counts the grams and those issued on the registry", () => {
    expect(traceTotals([unit("A-1", 7, null, null), unit("B-9", 9, null, 4, 500_000)])).toEqual({
      totalG: 1_500_000,
      registryG: 500_000,
    });
  });
});
