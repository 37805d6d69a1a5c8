import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { degreesFrom, participantBody, projectBody, tonnesFrom } from "../src/app/staff/registry/forms";
import { en, zh } from "../src/app/staff/registry/messages";

describe("the registry desks' numbers", () => {
  it("reads whole tonnes as typed, with separators and full-width digits", () => {
    expect(tonnesFrom("1200")).toBe(1200);
    expect(tonnesFrom(" 1,000 ")).toBe(1000);
    expect(tonnesFrom("１２００")).toBe(1200);
    for (const bad of ["", "0", "1.5", "-3", "1e3", "一千", "12345678901"]) expect(tonnesFrom(bad)).toBeNull();
  });

  it("reads coordinates to six decimals, or nothing", () => {
    expect(degreesFrom("30.66")).toBe(30.66);
    expect(degreesFrom("-12.5")).toBe(-12.5);
    for (const bad of ["", "30,66", "30.1234567", "北纬30", "1e2"]) expect(degreesFrom(bad)).toBeNull();
  });
});

describe("the registry desks' bodies", () => {
  it("opens an account with the roles in the catalogue's order and the code upper-cased", () => {
    const body = participantBody(
      3,
      { uscc: " 91510100ma6cudd00e ", legal: " 王 ", contact: "李", phone: "13912345678", roles: new Set(["verifier", "project_owner"]) },
      [{ document: "entry_agreement", version: "2023" }],
    );
    expect(body).toEqual({
      organisation_id: 3,
      uscc: "91510100MA6CUDD00E",
      legal_representative: "王",
      contact_name: "李",
      contact_phone: "13912345678",
      roles: ["project_owner", "verifier"],
      accept: [{ document: "entry_agreement", version: "2023" }],
    });
  });

  it("sends what cannot be read as null, so the server names the field", () => {
    const body = projectBody(7, {
      methodology: "CDCER-QN",
      nameZh: " 屋顶光伏 ",
      nameEn: "Rooftop solar",
      province: "CN-SC",
      city: "成都市",
      lat: "北纬30",
      lon: "104.06",
      start: "",
      end: "2033-12-31",
      expected: "1,200",
    });
    expect(body).toMatchObject({ owner_id: 7, name_zh: "屋顶光伏", latitude: null, longitude: 104.06, crediting_start: null, expected_annual_t: 1200 });
  });

  it("has every message in English too, with the same placeholders", () => {
    expectSameMessages(zh, en);
  });
});
