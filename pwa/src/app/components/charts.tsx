// Small hand-rolled SVG charts: labelled horizontal bars and monthly columns.
export interface Datum {
  label: string;
  value: number;
  text: string; // the value as people read it
}

const PALETTE = ["#1b5e20", "#2e7d32", "#43a047", "#00695c", "#558b2f", "#00838f", "#33691e"];

/** One row per datum, longest first as given; the numbers are in the text, not only in the bars. */
export function BarChart({ data, title }: { data: Datum[]; title: string }) {
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

/** Columns over time (months), with the first and last labels under the axis. */
export function ColumnChart({ data, title }: { data: Datum[]; title: string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const w = 320;
  const h = 120;
  const step = w / Math.max(1, data.length);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h + 18}`}
        width="100%"
        role="img"
        aria-label={`${title}: ${data.map((d) => `${d.label} ${d.text}`).join(", ")}`}
      >
        {data.map((d, i) => {
          const bh = Math.max(2, (d.value / max) * h);
          return (
            <rect
              key={d.label}
              x={i * step + step * 0.15}
              y={h - bh}
              width={step * 0.7}
              height={bh}
              rx="2"
              fill="#2e7d32"
            >
              <title>{`${d.label}: ${d.text}`}</title>
            </rect>
          );
        })}
        {data.length > 0 && (
          <>
            <text x="0" y={h + 14} class="chart-label">
              {data[0]!.label}
            </text>
            <text x={w} y={h + 14} text-anchor="end" class="chart-label">
              {data[data.length - 1]!.label}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}
