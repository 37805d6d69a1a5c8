import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDay, formatMass, formatMoney } from "../src/app/format";

describe("formatMass", () => {
  it("keeps grams whole, kg to one decimal and tonnes to two, from integers", () => {
    expect(formatMass(850, "zh")).toBe("850 g");
    expect(formatMass(629_276, "zh")).toBe("629.3 kg");
    expect(formatMass(1_200, "en")).toBe("1.2 kg");
    expect(formatMass(206_500_000_000, "en")).toBe("206,500.00 t");
    expect(formatMass(1_234_567, "en")).toBe("1.23 t");
  });

  it("rounds half up for display, at the unit boundary too", () => {
    expect(formatMass(999_950, "en")).toBe("1,000.0 kg");
    expect(formatMass(1_005_000, "en")).toBe("1.01 t");
  });
});

describe("formatMoney", () => {
  it("shows exact fen without going through floats", () => {
    expect(formatMoney(503, "CNY", "zh")).toBe("¥5.03");
    expect(formatMoney(123_456_789, "CNY", "zh")).toBe("¥1,234,567.89");
    expect(formatMoney(7, "CNY", "en")).toBe("CN¥0.07");
    expect(formatMoney(-250, "CNY", "zh")).toBe("-¥2.50");
  });
});

describe("formatDay", () => {
  it("shows a calendar day (a deadline) as that day in any time zone", () => {
    expect(formatDay("2099-12-31", "zh")).toBe("2099年12月31日");
    expect(formatDay("2099-12-31", "en")).toBe("Dec 31, 2099");
  });
});

describe("formatDate and formatDateTime", () => {
  it("show China's date and time of an instant, whatever the browser's time zone", () => {
    // 23:30 UTC is 07:30 the next morning in Beijing: the certificate's date
    expect(formatDate("2026-12-06T23:30:00Z", "zh")).toBe("2026年12月7日");
    expect(formatDate("2026-12-06T23:30:00+00:00", "en")).toBe("Dec 7, 2026");
    expect(formatDateTime("2026-12-06T23:30:00Z", "zh")).toBe("2026年12月7日 07:30");
  });
});
