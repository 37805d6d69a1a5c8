// Public figures, like the seed report's: neutralisations and tonnes by standard, type, province, month.
import { api } from "../api/client";
import type { StatRow, Stats as StatsData } from "../api/types";
import { BarChart, ColumnChart } from "../components/charts";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatMass, formatPoints } from "../format";
import { lang, t, tryT, type Lang } from "../i18n";

const rows = (r: StatRow[] | undefined, l: Lang, label = (k: string) => k) =>
  (r ?? []).map((x) => ({ label: label(x.key!), value: x.mass_g!, text: formatMass(x.mass_g!, l) }));

export function Stats() {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<StatsData>("GET", "/stats", { signal }),
    [],
  );
  if (loading) return <Loading />;
  if (error !== undefined || !data) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{t("stats.title")}</h1>
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
      {data.neutralisations === 0 ? (
        <Empty title={t("stats.empty")} />
      ) : (
        <div class="card">
          <BarChart title={t("stats.byStandard")} data={rows(data.by_standard, l)} />
          <BarChart
            title={t("stats.byType")}
            data={rows(data.by_project_type, l, (k) => tryT(`ptype.${k}`, l))}
          />
          <BarChart
            title={t("stats.byProvince")}
            data={rows(data.by_province, l, (k) => tryT(`province.${k}`, l))}
          />
          <ColumnChart title={t("stats.byMonth")} data={rows(data.by_month, l)} />
          <ColumnChart
            title={t("stats.countByMonth")}
            data={(data.neutralisations_by_month ?? []).map((x) => ({
              label: x.key!,
              value: x.count!,
              text: formatPoints(x.count!, l),
            }))}
          />
        </div>
      )}
    </section>
  );
}
