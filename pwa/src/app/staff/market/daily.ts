// 行情's numbers, without the screen: a price's change against the previous close in words and
// sign (the mainland convention: a rise is red, a fall green, and never colour alone), and the
// daily chart's geometry (candles over a price scale with room above and below, volume columns).
import type { components } from "../../api/schema";

type S = components["schemas"];
export type Product = S["Product"];
export type Day = S["Day"];

export type Direction = "up" | "down" | "flat";

/** Which way a change in basis points went; null (no previous close) is no change to show. */
export const direction = (bp: number | null | undefined): Direction | null =>
  bp === null || bp === undefined ? null : bp > 0 ? "up" : bp < 0 ? "down" : "flat";

/** A change in basis points as a signed percentage with two decimals: +1.25%, −0.50%, 0.00%
 *  (a true minus sign, read as "minus" by screen readers). */
export function percent(bp: number): string {
  const sign = bp > 0 ? "+" : bp < 0 ? "−" : "";
  return `${sign}${(Math.abs(bp) / 100).toFixed(2)}%`;
}

/** A product's key and its daily query: the standard and its project type. */
export const productKey = (p: Pick<Product, "standard" | "project_type">): string => `${p.standard}|${p.project_type}`;

// Geometry of the daily chart, in viewBox units (the SVG scales to the card's width).
export const DAILY = { width: 320, left: 52, right: 8, top: 12, priceBottom: 132, volumeTop: 144, volumeBottom: 188, maxCandle: 14 } as const;

export interface PriceScale {
  low: number; // fen, the scale's bottom
  high: number; // fen, its top
  y: (fen: number) => number;
}

/** A price scale over the days' lows and highs with a tenth of the range (or, for a flat market,
 *  5% of the price, at least one fen) of room above and below, never below zero. */
export function priceScale(days: readonly Pick<Day, "low_fen_per_t" | "high_fen_per_t">[]): PriceScale {
  const lows = days.map((d) => d.low_fen_per_t ?? 0);
  const highs = days.map((d) => d.high_fen_per_t ?? 0);
  const min = lows.length ? Math.min(...lows) : 0;
  const max = highs.length ? Math.max(...highs) : 0;
  const pad = max > min ? (max - min) / 10 : Math.max(1, max * 0.05);
  const low = Math.max(0, min - pad);
  const high = max + pad;
  const { top, priceBottom } = DAILY;
  return { low, high, y: (fen) => priceBottom - ((fen - low) / (high - low)) * (priceBottom - top) };
}

export interface Candle {
  x: number; // the candle's left edge
  width: number;
  centre: number;
  wickTop: number; // y of the high
  wickBottom: number; // y of the low
  bodyTop: number;
  bodyHeight: number; // at least 1: an unchanged day is a line
  closeY: number;
  volumeTop: number; // y of the volume column's top
  volumeHeight: number;
  direction: Direction; // close against open
}

/** One candle per day with trades, left to right in the order given (oldest first), equal
 *  slots over the plot, and its volume column under it on a scale of its own. */
export function candles(days: readonly Day[]): Candle[] {
  const { width, left, right, volumeTop, volumeBottom, maxCandle } = DAILY;
  const scale = priceScale(days);
  const plot = width - left - right;
  const slot = plot / Math.max(1, days.length);
  const w = Math.max(1, Math.min(maxCandle, slot * 0.6));
  const maxVolume = Math.max(1, ...days.map((d) => d.volume_t ?? 0));
  return days.map((d, i) => {
    const open = scale.y(d.open_fen_per_t ?? 0);
    const close = scale.y(d.close_fen_per_t ?? 0);
    const centre = left + slot * i + slot / 2;
    const vh = ((d.volume_t ?? 0) / maxVolume) * (volumeBottom - volumeTop);
    const change = (d.close_fen_per_t ?? 0) - (d.open_fen_per_t ?? 0);
    return {
      x: centre - w / 2,
      width: w,
      centre,
      wickTop: scale.y(d.high_fen_per_t ?? 0),
      wickBottom: scale.y(d.low_fen_per_t ?? 0),
      bodyTop: Math.min(open, close),
      bodyHeight: Math.max(1, Math.abs(open - close)),
      closeY: close,
      volumeTop: volumeBottom - vh,
      volumeHeight: vh,
      direction: change > 0 ? "up" : change < 0 ? "down" : "flat",
    };
  });
}

/** The closes as one SVG path, left to right. */
export const closePath = (cs: readonly Pick<Candle, "centre" | "closeY">[]): string =>
  cs.map((c, i) => `${i ? "L" : "M"}${c.centre.toFixed(1)} ${c.closeY.toFixed(1)}`).join(" ");

export interface Summary {
  days: number;
  first: string;
  last: string;
  closeFen: number;
  highFen: number;
  lowFen: number;
  volumeT: number;
  amountFen: number;
}

/** What the chart shows in figures (for its title, its summary and readers without the SVG). */
export function summary(days: readonly Day[]): Summary | null {
  if (days.length === 0) return null;
  const last = days[days.length - 1]!;
  return {
    days: days.length,
    first: days[0]!.day ?? "",
    last: last.day ?? "",
    closeFen: last.close_fen_per_t ?? 0,
    highFen: Math.max(...days.map((d) => d.high_fen_per_t ?? 0)),
    lowFen: Math.min(...days.map((d) => d.low_fen_per_t ?? 0)),
    volumeT: days.reduce((s, d) => s + (d.volume_t ?? 0), 0),
    amountFen: days.reduce((s, d) => s + (d.amount_fen ?? 0), 0),
  };
}
