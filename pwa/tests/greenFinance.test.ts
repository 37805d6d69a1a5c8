import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { en, zh } from "../src/app/staff/finance/greenMessages";
import { SECTIONS } from "../src/app/staff/finance/sections";
import { ROUTES } from "../src/app/screens/finance/routes";
import { match } from "../src/app/paths";

describe("the 绿蓉融 and ESG screens", () => {
  it("word every message in Chinese and English with the same placeholders", () => {
    expectSameMessages(zh, en);
  });

  it("name every listing kind and state the API has", () => {
    for (const k of ["enterprise.green", "enterprise.climate_friendly", "project.green", "project.climate_investment"]) {
      expect(zh).toHaveProperty(`gr.kind.${k}`);
    }
    for (const s of ["submitted", "listed", "rejected", "delisted"]) expect(zh).toHaveProperty(`gr.state.${s}`);
    for (const m of ["grid_displacement", "registry_issuance", "registry_expected", "stated"]) expect(zh).toHaveProperty(`gr.method.${m}`);
  });

  it("add the listings and ESG sections, and answer the public paths", () => {
    expect(SECTIONS.map((s) => s.key)).toEqual(expect.arrayContaining(["listings", "esg"]));
    for (const path of ["/finance/projects", "/finance/projects/7", "/finance/enterprises", "/finance/esg/3"]) {
      expect(ROUTES.some((r) => match(r.pattern, path)), path).toBe(true);
    }
  });
});
