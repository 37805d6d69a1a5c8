// Small hand-rolled SVG charts: labelled horizontal bars, and monthly columns with labelled axes.
// Each chart says when it has nothing to show instead of drawing an empty axis.
import { t, type Lang } from "../i18n";

export interface Datum {
  label: string;
  value: number;
  text: string; // the value as people read it, with its unit
}

/** A month's column: `label` is its month (12月, Dec), `year` is set where a year begins. */
export interface MonthDatum extends Datum {
  year?: string;
}

const PALETTE = ["#1b5e20", "#2e7d32", "#43a047", "#00695c", "#558b2f", "#00838f", "#33691e"];
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A `YYYY-MM` month as people read it: 2026年12月 / Dec 2026, or 12月 / Dec without the year. */
export function monthLabel(key: string, l: Lang, withYear = true): string {
  const [year, month] = [key.slice(0, 4), Number(key.slice(5, 7))];
  if (l === "zh") return withYear ? `${year}年${month}月` : `${month}月`;
  const name = MONTHS_EN[month - 1] ?? key;
  return withYear ? `${name} ${year}` : name;
}

/** Labels under monthly columns: every month named, its year under the first column and under
 * each January after it (2026年 / 2026). */
export function monthColumns(
  rows: { key: string; value: number; text: string }[],
  l: Lang,
): MonthDatum[] {
  return rows.map((r, i) => {
    const year = r.key.slice(0, 4);
    const starts = i === 0 || rows[i - 1]!.key.slice(0, 4) !== year;
    return {
      label: monthLabel(r.key, l, false),
      value: r.value,
      text: r.text,
      ...(starts ? { year: l === "zh" ? `${year}年` : year } : {}),
    };
  });
}

/** Nothing to draw: no rows, or only zeros. */
export const isEmpty = (data: Datum[]): boolean => data.every((d) => d.value <= 0);

function Nothing({ title, empty }: { title: string; empty: string }) {
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <p class="chart-empty">{empty}</p>
    </figure>
  );
}

/** One row per datum, in the order given; the numbers are in the text, not only in the bars. */
export function BarChart({ data, title, empty }: { data: Datum[]; title: string; empty?: string }) {
  if (isEmpty(data)) return <Nothing title={title} empty={empty ?? t("chart.empty")} />;
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 34;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 320 ${data.length * row}`}
        width="100%"
        role="img"
        aria-label={`${title}: ${data.map((d) => `${d.label} ${d.text}`).join(", ")}`}
      >
        {data.map((d, i) => (
          <g key={d.label} transform={`translate(0 ${i * row})`}>
            <text x="0" y="12" class="chart-label">
              {d.label}
            </text>
            <text x="320" y="12" text-anchor="end" class="chart-value">
              {d.text}
            </text>
            <rect
              x="0"
              y="17"
              height="10"
              rx="5"
              width={Math.max(2, (d.value / max) * 320)}
              fill={PALETTE[i % PALETTE.length]}
            />
          </g>
        ))}
      </svg>
    </figure>
  );
}

export interface ColumnChartProps {
  data: MonthDatum[];
  title: string;
  xTitle: string; // what the horizontal axis is: 月份
  yTitle: string; // what the columns measure, with the unit: 碳中和量（CO₂e）
  empty?: string;
}

// Geometry of the column chart, in viewBox units (the SVG scales to the card's width).
export const COLUMNS = { width: 320, left: 58, top: 36, bottom: 150, maxColumn: 40 } as const;

/** Where each column goes: equal slots over the plot, a column at most `maxColumn` wide, and
 * fewer columns than slots centred (one month is one labelled column, not a full-width band). */
export function columnLayout(n: number): { x: number; width: number; centre: number }[] {
  const { width, left, maxColumn } = COLUMNS;
  const plot = width - left;
  const slot = plot / Math.max(1, n);
  const column = Math.min(maxColumn, slot * 0.7);
  const used = n * slot;
  const start = left + (plot - used) / 2;
  return Array.from({ length: n }, (_, i) => {
    const centre = start + i * slot + slot / 2;
    return { x: centre - column / 2, width: column, centre };
  });
}

/** Columns over months: the y axis names what is measured and its unit, with 0 and the highest
 * value marked; every month is labelled under its column, with its year where a year begins;
 * values sit on top of the columns when there is room. */
export function ColumnChart({ data, title, xTitle, yTitle, empty }: ColumnChartProps) {
  if (isEmpty(data)) return <Nothing title={title} empty={empty ?? t("chart.empty")} />;
  const { width, left, top, bottom } = COLUMNS;
  const max = Math.max(1, ...data.map((d) => d.value));
  const highest = data.reduce((a, b) => (b.value > a.value ? b : a));
  const layout = columnLayout(data.length);
  const roomy = layout.length > 0 && (width - left) / data.length >= 44;
  const h = bottom - top;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} 200`}
        width="100%"
        role="img"
        aria-label={`${title}（${yTitle}）: ${data
          .map((d) => `${d.year ?? ""}${d.label} ${d.text}`)
          .join(", ")}`}
      >
        <text x="0" y="12" class="chart-axis" data-testid="y-axis">
          {yTitle}
        </text>
        <line x1={left - 4} y1={top} x2={width} y2={top} class="chart-grid" />
        <text x={left - 8} y={top + 4} text-anchor="end" class="chart-tick">
          {highest.text}
        </text>
        <line x1={left - 4} y1={bottom} x2={width} y2={bottom} class="chart-axis-line" />
        <text x={left - 8} y={bottom + 4} text-anchor="end" class="chart-tick">
          0
        </text>
        {data.map((d, i) => {
          const at = layout[i]!;
          const bh = d.value > 0 ? Math.max(2, (d.value / max) * h) : 0;
          return (
            <g key={`${d.year ?? ""}${d.label}${i}`}>
              <rect x={at.x} y={bottom - bh} width={at.width} height={bh} rx="2" fill="#2e7d32">
                <title>{`${d.year ?? ""}${d.label}: ${d.text}`}</title>
              </rect>
              {roomy && d.value > 0 && (
                <text x={at.centre} y={bottom - bh - 4} text-anchor="middle" class="chart-value">
                  {d.text}
                </text>
              )}
              <text x={at.centre} y={bottom + 14} text-anchor="middle" class="chart-month">
                {d.label}
              </text>
              {d.year && (
                <text x={at.centre} y={bottom + 28} text-anchor="middle" class="chart-tick">
                  {d.year}
                </text>
              )}
            </g>
          );
        })}
        <text x={width} y="196" text-anchor="end" class="chart-axis" data-testid="x-axis">
          {xTitle}
        </text>
      </svg>
    </figure>
  );
}
