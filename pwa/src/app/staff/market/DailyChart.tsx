// A product's daily chart on 行情 (`GET /market/daily`): candles (open, high, low, close; a rise
// red, a fall green) with the closes as a line, and volume columns under them, as inline SVG
// in the conventions of components/charts.tsx. Its title and a summary say what it shows in
// words, and the same figures are a table for readers without the picture.
import { api } from "../../api/client";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { tonnes, yuan } from "../../units";
import { candles, closePath, DAILY, priceScale, summary, type Day, type Product } from "./daily";
import { mt } from "./messages";

export const CHART_DAYS = 60;

type Column = "product" | "last" | "change" | "volume" | "amount" | "ask" | "day" | "open" | "high" | "low" | "close" | "trades";

/** A table's column headings, from the market's messages (`mk.col.*`). */
export function Heads({ cols }: { cols: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th key={c} scope="col">
            {mt(`mk.col.${c}`)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

type DailyResponse = { days?: Day[] };

export function DailyChart({ product }: { product: Product }) {
  const l = lang.value;
  const daily = useLoad(
    (signal) => {
      const q = new URLSearchParams({ standard: product.standard ?? "", project_type: product.project_type ?? "", days: String(CHART_DAYS) });
      return api<DailyResponse>("GET", `/market/daily?${q}`, { signal });
    },
    [product.standard, product.project_type],
  );
  const name = (l === "zh" ? product.label_zh : product.label_en) ?? "";
  const title = mt("mk.chartTitle", { product: name, n: String(CHART_DAYS) });
  if (daily.loading && !daily.data) return <Loading />;
  if (!daily.data) return <ErrorBox error={daily.error} onRetry={daily.reload} />;
  const days = daily.data.days ?? [];
  const s = summary(days);
  if (!s) {
    return (
      <figure class="chart" data-testid="daily-chart">
        <figcaption>{title}</figcaption>
        <Empty title={mt("mk.noDaily", { n: String(CHART_DAYS) })} />
      </figure>
    );
  }
  const words = mt("mk.chartSummary", {
    first: s.first,
    last: s.last,
    days: String(s.days),
    close: yuan(s.closeFen, l),
    high: yuan(s.highFen, l),
    low: yuan(s.lowFen, l),
    volume: tonnes(s.volumeT, l),
    amount: yuan(s.amountFen, l),
  });
  const cs = candles(days);
  const scale = priceScale(days);
  const { width, left, top, priceBottom, volumeTop, volumeBottom } = DAILY;
  return (
    <figure class="chart" data-testid="daily-chart">
      <figcaption id="daily-title">{title}</figcaption>
      <svg viewBox={`0 0 ${width} 200`} width="100%" role="img" aria-labelledby="daily-title daily-summary">
        <title>{title}</title>
        <text x="0" y="10" class="chart-axis">
          {mt("mk.priceAxis")}
        </text>
        <line x1={left - 4} y1={top} x2={width} y2={top} class="chart-grid" />
        <text x={left - 6} y={top + 4} text-anchor="end" class="chart-tick">
          {(scale.high / 100).toFixed(2)}
        </text>
        <line x1={left - 4} y1={priceBottom} x2={width} y2={priceBottom} class="chart-axis-line" />
        <text x={left - 6} y={priceBottom + 4} text-anchor="end" class="chart-tick">
          {(scale.low / 100).toFixed(2)}
        </text>
        <text x={left - 6} y={volumeBottom} text-anchor="end" class="chart-tick">
          {mt("mk.volumeAxis")}
        </text>
        <line x1={left - 4} y1={volumeBottom} x2={width} y2={volumeBottom} class="chart-axis-line" />
        {cs.map((c, i) => (
          <g key={days[i]!.day} class={`candle ${c.direction}`}>
            <title>{`${days[i]!.day}: ${yuan(days[i]!.open_fen_per_t!, l)} → ${yuan(days[i]!.close_fen_per_t!, l)}, ${tonnes(days[i]!.volume_t!, l)}`}</title>
            <line x1={c.centre} y1={c.wickTop} x2={c.centre} y2={c.wickBottom} />
            <rect x={c.x} y={c.bodyTop} width={c.width} height={c.bodyHeight} />
            <rect x={c.x} y={c.volumeTop} width={c.width} height={Math.max(c.volumeHeight, 1)} class="volume" />
          </g>
        ))}
        {cs.length > 1 && <path d={closePath(cs)} class="close-line" />}
        <text x={left} y={volumeTop - 2} class="chart-tick">
          {s.first}
        </text>
        <text x={width} y={volumeTop - 2} text-anchor="end" class="chart-tick">
          {s.last}
        </text>
      </svg>
      <p id="daily-summary" class="hint" data-testid="daily-summary">
        {words}
      </p>
      <details>
        <summary>{mt("mk.chartTable")}</summary>
        <table class="table">
          <Heads cols={["day", "open", "high", "low", "close", "volume", "trades"]} />
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{yuan(d.open_fen_per_t!, l)}</td>
                <td>{yuan(d.high_fen_per_t!, l)}</td>
                <td>{yuan(d.low_fen_per_t!, l)}</td>
                <td>{yuan(d.close_fen_per_t!, l)}</td>
                <td>{tonnes(d.volume_t!, l)}</td>
                <td>{d.trades}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
