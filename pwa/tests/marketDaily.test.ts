// 行情's change words and signs, and the daily chart's scale and series (issue 23).
import { describe, expect, it } from "vitest";
import { candles, closePath, DAILY, direction, percent, priceScale, productKey, summary, type Day } from "../src/app/staff/market/daily";

const day = (d: string, o: number, h: number, lo: number, c: number, v = 10): Day => ({
  day: d,
  open_fen_per_t: o,
  high_fen_per_t: h,
  low_fen_per_t: lo,
  close_fen_per_t: c,
  volume_t: v,
  amount_fen: v * c,
  trades: 1,
});

describe("a change against the previous close", () => {
  it("has a direction, a sign and two decimals; none without a previous close", () => {
    expect(direction(125)).toBe("up");
    expect(direction(-50)).toBe("down");
    expect(direction(0)).toBe("flat");
    expect(direction(null)).toBeNull();
    expect(direction(undefined)).toBeNull();
    expect(percent(125)).toBe("+1.25%");
    expect(percent(-50)).toBe("−0.50%");
    expect(percent(0)).toBe("0.00%");
    expect(percent(-1)).toBe("−0.01%");
  });

  it("keys a product by standard and type", () => {
    expect(productKey({ standard: "CDCER", project_type: "greenway" })).toBe("CDCER|greenway");
  });
});

describe("the daily chart's price scale", () => {
  it("spans the lows and highs with a tenth of the range above and below", () => {
    const s = priceScale([day("2026-12-01", 5000, 5200, 4900, 5100), day("2026-12-02", 5100, 5900, 5000, 5800)]);
    expect(s.low).toBe(4800);
    expect(s.high).toBe(6000);
    expect(s.y(s.high)).toBeCloseTo(DAILY.top);
    expect(s.y(s.low)).toBeCloseTo(DAILY.priceBottom);
    expect(s.y(5400)).toBeCloseTo((DAILY.top + DAILY.priceBottom) / 2);
  });

  it("gives a flat market 5% of room (at least a fen) and never goes below zero", () => {
    const flat = priceScale([day("2026-12-01", 5000, 5000, 5000, 5000)]);
    expect([flat.low, flat.high]).toEqual([4750, 5250]);
    expect(Number.isFinite(flat.y(5000))).toBe(true);
    const cheap = priceScale([day("2026-12-01", 1, 1, 1, 1)]);
    expect([cheap.low, cheap.high]).toEqual([0, 2]);
    const wide = priceScale([day("2026-12-01", 10, 1000, 10, 900)]);
    expect(wide.low).toBe(0);
  });
});

describe("the daily chart's series", () => {
  const days = [day("2026-12-01", 5000, 5200, 4900, 5100, 30), day("2026-12-02", 5100, 5100, 4800, 4800, 60), day("2026-12-03", 4800, 4800, 4800, 4800, 0)];
  const cs = candles(days);

  it("draws one candle a day, left to right inside the plot, coloured by close against open", () => {
    expect(cs.map((c) => c.direction)).toEqual(["up", "down", "flat"]);
    expect(cs[0]!.x).toBeGreaterThanOrEqual(DAILY.left);
    expect(cs[2]!.x + cs[2]!.width).toBeLessThanOrEqual(DAILY.width - DAILY.right);
    for (let i = 1; i < cs.length; i++) expect(cs[i]!.x).toBeGreaterThan(cs[i - 1]!.x + cs[i - 1]!.width);
    expect(cs.every((c) => c.width <= DAILY.maxCandle)).toBe(true);
  });

  it("puts the wick at the high and low and the body between open and close (an unchanged day a line)", () => {
    const [up, down, flat] = cs;
    expect(up!.wickTop).toBeLessThan(up!.bodyTop);
    expect(up!.bodyTop).toBeCloseTo(up!.closeY); // a rise: the close is the body's top
    expect(down!.bodyTop + down!.bodyHeight).toBeCloseTo(down!.closeY); // a fall: its bottom
    expect(flat!.bodyHeight).toBe(1);
  });

  it("scales volume to the busiest day, a day without volume has no column", () => {
    expect(cs[1]!.volumeHeight).toBeCloseTo(DAILY.volumeBottom - DAILY.volumeTop);
    expect(cs[0]!.volumeHeight).toBeCloseTo((DAILY.volumeBottom - DAILY.volumeTop) / 2);
    expect(cs[2]!.volumeHeight).toBe(0);
  });

  it("joins the closes in one path and sums the period", () => {
    expect(closePath(cs).split(" L").length).toBe(3);
    expect(closePath(cs).startsWith("M")).toBe(true);
    expect(summary(days)).toEqual({ days: 3, first: "2026-12-01", last: "2026-12-03", closeFen: 4800, highFen: 5200, lowFen: 4800, volumeT: 90, amountFen: 30 * 5100 + 60 * 4800 });
    expect(summary([])).toBeNull();
    expect(candles([])).toEqual([]);
  });
});
