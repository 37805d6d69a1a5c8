// The stats screen's carbon-inclusion points: points funded, issued, redeemed, expired and in
// circulation; the reduction confirmed by action type; each sponsor's budget redeemed.
import { api } from "../api/client";
import type { PointsTotals } from "../api/types";
import { BarChart } from "../components/charts";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatMass, formatPoints } from "../format";
import { lang, locale, type Lang } from "../i18n";
import { tp } from "./statsPointsMessages";

type Reduction = NonNullable<PointsTotals["reductions"]>[number];

/** Action types with confirmed actions, heaviest first, named in the language shown. */
export function actionBars(rows: Reduction[] | undefined, l: Lang) {
  return (rows ?? [])
    .filter((r) => r.actions! > 0)
    .sort((a, b) => b.mass_g! - a.mass_g!)
    .map((r) => ({
      label: l === "zh" ? r.label_zh! : r.label_en!,
      value: r.mass_g!,
      text: tp("pstats.actionValue", { mass: formatMass(r.mass_g!, l), n: formatPoints(r.actions!, l) }, l),
    }));
}

/** What a sponsor's redemptions took of what it funded, as a percentage (one decimal). */
export const share = (spent: number, funded: number, l: Lang): string =>
  new Intl.NumberFormat(locale(l), { style: "percent", maximumFractionDigits: 1 }).format(
    funded > 0 ? spent / funded : 0,
  );

let early: Promise<PointsTotals> | undefined;

/** Starts fetching the points figures beside the page's own, so that they need not wait for
 * the first figures to be drawn; the next StatsPoints takes the answer. */
export function fetchPointsEarly(): void {
  early = api<PointsTotals>("GET", "/stats/points");
  early.catch(() => undefined); // an error is shown when StatsPoints takes it
}

export function StatsPoints() {
  const { data, error, loading, reload } = useLoad((signal) => {
    const started = early;
    early = undefined;
    return started ?? api<PointsTotals>("GET", "/stats/points", { signal });
  }, []);
  const l = lang.value;
  let body;
  if (loading) body = <Loading />;
  else if (error !== undefined || !data) body = <ErrorBox error={error} onRetry={reload} />;
  else if (data.funded === 0 && data.issued === 0) body = <Empty title={tp("pstats.empty")} />;
  else {
    const pending = (data.reductions ?? []).reduce((n, r) => n + r.pending_actions!, 0);
    const figures = [
      ["issued", formatPoints(data.issued!, l)],
      ["redeemed", formatPoints(data.redeemed!, l)],
      ["expired", formatPoints(data.expired!, l)],
      ["circulating", formatPoints(data.circulating!, l)],
      ["funded", formatPoints(data.funded!, l)],
      ["reduced", formatMass(data.reduced_g!, l)],
    ] as const;
    body = (
      <>
        <div class="card kpis offscreen-ok">
          {figures.map(([key, text]) => (
            <div key={key}>
              <p class="result-label">{tp(`pstats.${key}`)}</p>
              <p class="result-sub" data-testid={`points-${key}`}>
                {text}
              </p>
            </div>
          ))}
        </div>
        <div class="card offscreen-ok">
          <BarChart
            title={tp("pstats.byAction")}
            data={actionBars(data.reductions, l)}
            empty={tp("pstats.noActions")}
          />
          {pending > 0 && (
            <p class="hint">
              {tp("pstats.pending", { n: formatPoints(pending, l), mass: formatMass(data.pending_g!, l) })}
            </p>
          )}
        </div>
        <div class="card offscreen-ok">
          <h3>{tp("pstats.sponsors")}</h3>
          {(data.sponsors ?? []).length === 0 ? (
            <p class="hint">{tp("pstats.noSponsors")}</p>
          ) : (
            <ul class="budgets" data-testid="points-sponsors">
              {data.sponsors!.map((b) => (
                <li key={b.organisation_id}>
                  <p class="result-label">
                    {b.name} · {share(b.spent_points!, b.funded_points!, l)}
                  </p>
                  <progress
                    value={b.spent_points!}
                    max={Math.max(1, b.funded_points!)}
                    aria-label={b.name}
                  />
                  <p class="hint">
                    {tp("pstats.budget", {
                      spent: formatPoints(b.spent_points!, l),
                      funded: formatPoints(b.funded_points!, l),
                    })}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      </>
    );
  }
  return (
    <section aria-labelledby="points-title" data-testid="points-stats">
      <h2 id="points-title">{tp("pstats.title")}</h2>
      <p class="hint">{tp("pstats.intro")}</p>
      {body}
    </section>
  );
}
