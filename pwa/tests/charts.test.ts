// Month labels, the single-month layout and the one unit of a mass axis (issue 20: the monthly
// charts were one unlabelled full-width bar over the axis "2026-12 … 2026-12").
import { describe, expect, it } from "vitest";
import { COLUMNS, columnLayout, isEmpty, monthColumns, monthLabel } from "../src/app/components/charts";
import { formatMassIn, massUnit } from "../src/app/format";
import { massByMonth } from "../src/app/screens/Stats";

describe("month labels", () => {
  it("names a month in Chinese and English, with or without its year", () => {
    expect(monthLabel("2026-12", "zh")).toBe("2026年12月");
    expect(monthLabel("2026-03", "zh", false)).toBe("3月");
    expect(monthLabel("2026-12", "en")).toBe("Dec 2026");
    expect(monthLabel("2027-01", "en", false)).toBe("Jan");
  });

  it("labels every column, with the year under the first and under each new year", () => {
    const rows = ["2026-11", "2026-12", "2027-01"].map((key) => ({ key, value: 1, text: "1" }));
    const zh = monthColumns(rows, "zh");
    expect(zh.map((d) => d.label)).toEqual(["11月", "12月", "1月"]);
    expect(zh.map((d) => d.year)).toEqual(["2026年", undefined, "2027年"]);
    expect(monthColumns(rows, "en").map((d) => `${d.label}${d.year ? ` ${d.year}` : ""}`)).toEqual([
      "Nov 2026",
      "Dec",
      "Jan 2027",
    ]);
    expect(zh.some((d) => d.label.includes("2026-"))).toBe(false);
  });
});

describe("column layout", () => {
  it("draws a single month as one narrow centred column, not a full-width band", () => {
    const [only, ...rest] = columnLayout(1);
    expect(rest).toEqual([]);
    expect(only!.width).toBe(COLUMNS.maxColumn);
    const plotCentre = COLUMNS.left + (COLUMNS.width - COLUMNS.left) / 2;
    expect(only!.centre).toBeCloseTo(plotCentre);
  });

  it("keeps twelve months inside the plot, left to right, without overlapping", () => {
    const cols = columnLayout(12);
    expect(cols[0]!.x).toBeGreaterThanOrEqual(COLUMNS.left);
    expect(cols[11]!.x + cols[11]!.width).toBeLessThanOrEqual(COLUMNS.width);
    for (let i = 1; i < cols.length; i++) {
      expect(cols[i]!.x).toBeGreaterThan(cols[i - 1]!.x + cols[i - 1]!.width);
    }
  });

  it("has nothing to draw with no rows or only zeros", () => {
    expect(isEmpty([])).toBe(true);
    expect(isEmpty([{ label: "12月", value: 0, text: "0 g" }])).toBe(true);
    expect(isEmpty([{ label: "12月", value: 5, text: "5 g" }])).toBe(false);
  });
});

describe("mass by month", () => {
  it("reads every month in the unit of the heaviest, and names that unit on the axis", () => {
    expect(massUnit(999)).toBe("g");
    expect(massUnit(1_500)).toBe("kg");
    expect(massUnit(2_000_000)).toBe("t");
    expect(formatMassIn(350_000, "t", "zh")).toBe("0.35 t");
    const got = massByMonth(
      [
        { key: "2026-11", mass_g: 350_000 },
        { key: "2026-12", mass_g: 12_345_678 },
      ],
      "zh",
    );
    expect(got.yTitle).toBe("碳中和量（吨 CO₂e）");
    expect(got.data.map((d) => [d.label, d.text])).toEqual([
      ["11月", "0.35 t"],
      ["12月", "12.35 t"],
    ]);
    expect(massByMonth([{ key: "2026-12", mass_g: 12_000 }], "en").yTitle).toBe(
      "Mass neutralised (kg CO₂e)",
    );
  });
});
