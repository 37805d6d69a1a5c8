// Public figures, like the seed report's: neutralisations and tonnes by standard, type, province, month.
// Provinces by their names in the statistics order (../provinces); months labelled, axes named.
// Then the carbon-inclusion points (./StatsPoints), fetched at the same time.
import { api } from "../api/client";
import type { StatRow, Stats as StatsData } from "../api/types";
import { BarChart, ColumnChart, monthColumns } from "../components/charts";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { useEffect, useState } from "preact/hooks";
import { formatMass, formatMassIn, formatPoints, massUnit } from "../format";
import { lang, t, tryT, type Lang } from "../i18n";
import { regionName, regionOrder } from "../provinces";
import { StatsPoints, fetchPointsEarly } from "./StatsPoints";

const rows = (r: StatRow[] | undefined, l: Lang, label = (k: string) => k) =>
  (r ?? []).map((x) => ({ label: label(x.key!), value: x.mass_g!, text: formatMass(x.mass_g!, l) }));

/** Grams by month in one unit (that of the heaviest month), and the axis title naming it. */
export function massByMonth(r: StatRow[] | undefined, l: Lang) {
  const unit = massUnit(Math.max(0, ...(r ?? []).map((x) => x.mass_g!)));
  const data = monthColumns(
    (r ?? []).map((x) => ({ key: x.key!, value: x.mass_g!, text: formatMassIn(x.mass_g!, unit, l) })),
    l,
  );
  return { data, yTitle: t("chart.massAxis", { unit: t(`unit.${unit}`, {}, l) }, l) };
}

export function Stats() {
  const { data, error, loading, reload } = useLoad((signal) => {
    fetchPointsEarly();
    return api<StatsData>("GET", "/stats", { signal });
  }, []);
  let figures;
  if (loading) figures = <Loading />;
  else if (error !== undefined || !data) figures = <ErrorBox error={error} onRetry={reload} />;
  else figures = <Figures data={data} />;
  return (
    <section class="screen">
      <h1>{t("stats.title")}</h1>
      <p class="hint stats-intro">{t("stats.intro")}</p>
      <p>
        <a href="/projects" data-testid="to-projects">
          {t("stats.projectsLink")}
        </a>
        <br />
        <a href="/market" data-testid="to-market">
          {t("stats.marketLink")}
        </a>
      </p>
      {figures}
    </section>
  );
}

function Figures({ data }: { data: StatsData }) {
  const l = lang.value;
  const byMonth = massByMonth(data.by_month, l);
  // The headline figures first; the charts and the points a moment later, in a task of their
  // own, so that a slow phone answers a tap in between instead of drawing everything at once.
  const [rest, setRest] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setRest(true), 0);
    return () => clearTimeout(timer);
  }, []);
  return (
    <>
      <div class="card kpis">
        <div>
          <p class="result-label">{t("stats.neutralisations")}</p>
          <p class="result-total" data-testid="neutralisations">
            {formatPoints(data.neutralisations!, l)}
          </p>
        </div>
        <div>
          <p class="result-label">{t("stats.mass")}</p>
          <p class="result-total">{formatMass(data.mass_g!, l)}</p>
        </div>
        <div>
          <p class="result-label">{t("registry.retired")}</p>
          <p class="result-total" data-testid="registry-retired">
            {formatMass(data.registry_retired_g!, l)}
          </p>
        </div>
        <div>
          <p class="result-label">{t("registry.pending")}</p>
          <p class="result-total" data-testid="registry-pending">
            {formatMass(data.registry_pending_g!, l)}
          </p>
        </div>
      </div>
      {!rest ? null : data.neutralisations === 0 ? (
        <Empty title={t("stats.empty")} />
      ) : (
        <div class="card offscreen-ok">
          <BarChart title={t("stats.byStandard")} data={rows(data.by_standard, l)} />
          <BarChart
            title={t("stats.byType")}
            data={rows(data.by_project_type, l, (k) => tryT(`ptype.${k}`, l))}
          />
          <BarChart
            title={t("stats.byProvince")}
            data={rows(
              [...(data.by_province ?? [])].sort((a, b) => regionOrder(a.key!, b.key!)),
              l,
              (k) => regionName(k, l),
            )}
          />
          <ColumnChart title={t("stats.byMonth")} xTitle={t("chart.month")} {...byMonth} />
          <ColumnChart
            title={t("stats.countByMonth")}
            xTitle={t("chart.month")}
            yTitle={t("chart.countAxis")}
            data={monthColumns(
              (data.neutralisations_by_month ?? []).map((x) => ({
                key: x.key!,
                value: x.count!,
                text: t("chart.times", { n: formatPoints(x.count!, l) }, l),
              })),
              l,
            )}
          />
        </div>
      )}
      {rest && <StatsPoints />}
    </>
  );
}
