import { describe, expect, it } from "vitest";
import {
  CALCULATORS,
  defaultText,
  initialValues,
  parseOrigins,
  percentToFraction,
  problems,
  shownFields,
  shownValues,
} from "../src/app/calculators";
import { t } from "../src/app/i18n";
import { venueCode } from "../src/app/checkin";
import { match, safeNext } from "../src/app/paths";

describe("calculators", () => {
  it("start from defaults, then the draft, then the deep link's query", () => {
    const spec = CALCULATORS.meeting;
    const q = new URLSearchParams("attendees=50&days=1&via=wechat");
    const v = initialValues(spec, { attendees: "12", city: "北京" }, q);
    expect(v).toMatchObject({ attendees: "50", days: "1", city: "北京", hotel_nights: "0" });
    expect(v).not.toHaveProperty("via");
  });

  it("build the API body the footprint endpoint takes", () => {
    const spec = CALCULATORS.meeting;
    const body = spec.body(initialValues(spec, undefined, new URLSearchParams("attendees=80")));
    expect(body).toEqual({
      kind: "meeting",
      standard: "mee-2019",
      meeting: { attendees: 80, days: 1, city: "成都" },
    });
    const flight = CALCULATORS.flight;
    expect(flight.body(initialValues(flight, undefined, new URLSearchParams("from=ctu")))).toEqual({
      kind: "flight",
      standard: "mee-2019",
      flight: { from: "CTU", to: "PEK", round_trip: true, passengers: 1, cabin: "economy" },
    });
    const full = new URLSearchParams("full_journey=1&standard=climate-impact");
    expect(flight.body(initialValues(flight, undefined, full))).toMatchObject({
      standard: "climate-impact",
      flight: { full_journey: true },
    });
  });

  it("read where out-of-town attendees come from", () => {
    expect(parseOrigins("北京 20，PEK 5；成都东站×3、 ")).toEqual([
      { from: "北京", people: 20, round_trip: true },
      { from: "PEK", people: 5, round_trip: true },
      { from: "成都东站", people: 3, round_trip: true },
    ]);
    expect(parseOrigins("上海", "high_speed_rail")).toEqual([
      { from: "上海", people: 0, round_trip: true, mode: "high_speed_rail" },
    ]);
    const spec = CALCULATORS.meeting;
    const body = spec.body(initialValues(spec, undefined, new URLSearchParams("origins=北京 20")));
    expect(body.meeting).toMatchObject({ origins: [{ from: "北京", people: 20 }] });
  });

  it("send decimals as typed, so no float rounding happens before the server", () => {
    const spec = CALCULATORS.venue;
    const body = spec.body(initialValues(spec, undefined, new URLSearchParams("green_share_pct=10")));
    expect(body.venue).toMatchObject({ green_share: "0.1", electricity_kwh: "5000" });
  });

  it("take percentages in per cent and send the fraction the API takes, exactly", () => {
    const cases = { "33.3": "0.333", "100": "1", "5": "0.05", "0": "0", "": "0", "12.50": "0.125" };
    for (const [typed, sent] of Object.entries(cases)) expect(percentToFraction(typed), typed).toBe(sent);
    expect(percentToFraction("0.5")).toBe("0.005");
    expect(percentToFraction("007")).toBe("0.07");
    const venue = CALCULATORS.venue;
    const body = venue.body(initialValues(venue, undefined, new URLSearchParams("green_share_pct=33.3")));
    expect(body.venue).toMatchObject({ green_share: "0.333" });
  });

  it("hold back what must be corrected first: a percentage outside 0–100, an airport not picked", () => {
    const check = (kind: "venue" | "site" | "flight", query: string) =>
      problems(CALCULATORS[kind], initialValues(CALCULATORS[kind], undefined, new URLSearchParams(query)));
    expect(check("venue", "green_share_pct=100")).toEqual({});
    expect(check("venue", "green_share_pct=150")).toEqual({ green_share_pct: "calc.badPercent" });
    expect(check("venue", "green_share_pct=-1")).toEqual({ green_share_pct: "calc.badPercent" });
    expect(check("site", "green_power_pct=101")).toEqual({ green_power_pct: "calc.badPercent" });
    expect(check("flight", "from=tfu")).toEqual({});
    expect(check("flight", "from=成都&to=")).toEqual({ from: "calc.badAirport", to: "calc.badAirport" });
    expect(t("calc.badPercent", {}, "zh")).toBe("请填写 0 到 100 之间的数。");
  });
});

describe("the defaults a footprint used", () => {
  it("are the API's words, never the input's path", () => {
    const share = {
      field: "meeting.local_mode_share.metro",
      value: "0.5",
      unit: "本地参会者出行占比（地铁+公交+小汽车=1）",
      source: "点点假设：成都地铁网络发达。",
      key: "meeting.local_mode_share.metro",
    };
    expect(defaultText(share)).toBe("0.5 本地参会者出行占比（地铁+公交+小汽车=1） — 点点假设：成都地铁网络发达。");
    const city = { field: "meeting.city", value: "成都", unit: "", source: "点点", assumption: "未填写城市，按成都计" };
    expect(defaultText(city)).toBe("未填写城市，按成都计 — 点点");
  });
});

describe("the site calculator", () => {
  const spec = CALCULATORS.site;
  const start = (query: string) => initialValues(spec, undefined, new URLSearchParams(query));

  it("shows the sources of the preset in the link", () => {
    const names = (q: string) => shownFields(spec, start(q)).map((f) => f.name);
    expect(names("preset=catering")).toEqual(
      expect.arrayContaining(["natural_gas_m3", "refrigerant_kg", "waste_kg", "staff"]),
    );
    expect(names("preset=catering")).not.toContain("car_km");
    expect(names("preset=scenic_spot")).toEqual(expect.arrayContaining(["vehicle_diesel_l", "diesel_l"]));
    expect(names("preset=scenic_spot")).not.toContain("refrigerant_kg");
  });

  it("sends only what the preset shows, decimals as typed", () => {
    const v = start(
      "preset=catering&province=CN-BJ&electricity_kwh=18000&natural_gas_m3=2400&refrigerant_gas=R-22" +
        "&refrigerant_kg=0.8&car_km=500&staff=12&working_days=78",
    );
    expect(spec.body(shownValues(spec, v))).toEqual({
      kind: "site",
      standard: "mee-2019",
      site: {
        preset: "catering",
        province: "CN-BJ",
        period: { start: "2026-01-01", end: "2026-12-31" },
        electricity_kwh: "18000",
        natural_gas_m3: "2400",
        refrigerants: [{ gas: "R-22", kg: "0.8" }],
        commuting: { staff: 12, working_days: 78 },
      },
    });
  });
});

describe("routes and links", () => {
  it("match paths with parameters", () => {
    expect(match("/certificates/:number", "/certificates/DD-2026-000001")).toEqual({
      number: "DD-2026-000001",
    });
    expect(match("/", "/")).toEqual({});
    expect(match("/certificates", "/certificates/x")).toBeNull();
  });

  it("follow only in-app paths after sign-in", () => {
    expect(safeNext("/wallet")).toBe("/wallet");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });

  it("read a venue's signed code from its QR link or its query, and nothing else", () => {
    const code = "v=ven_abc234&w=29944260&s=ciYu0YXYW0gH1MQjm5cX-_";
    expect(venueCode(`https://diandian.example/checkin?${code}`)).toBe(code);
    expect(venueCode(`  ?${code} `)).toBe(code);
    expect(venueCode(`https://diandian.example/checkin?s=ciYu0YXYW0gH1MQjm5cX-_&w=29944260&v=ven_abc234&x=1`)).toBe(code);
    for (const made_up of ["abc", "CD-LIB-01", "https://diandian.example/checkin?venue=CD-LIB-01", "v=ven_abc&w=soon&s=x", "v=ven_abc&w=1"]) {
      expect(venueCode(made_up)).toBeNull();
    }
  });
});
