// 项目公示: the projects validated on 点点's registry, filtered by methodology (`?methodology=`,
// so a filtered list can be linked), and a project's page with its methodology, place,
// crediting period and issuance history. Public: no sign-in, no personal data.
import { api } from "../api/client";
import type { PublicProject, PublicProjectDetail, RegistryMethodology } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDate, formatDay, formatMass, formatTonnes } from "../format";
import { lang } from "../i18n";
import { methodologyChoices, nameIn, place, withMethodology } from "../projects";
import { here, navigate } from "../router";
import { tr } from "./registryMessages";

const loadList = (signal: AbortSignal) =>
  api<PublicProject[]>("GET", "/registry/public/projects", { signal });

export function ProjectList() {
  const { data, error, loading, reload } = useLoad(loadList, []);
  const chosen = here.value.query.get("methodology");
  let body;
  if (loading && !data) body = <Loading />;
  else if (!data) body = <ErrorBox error={error} onRetry={reload} />;
  else if (data.length === 0) body = <Empty title={tr("pub.empty")} />;
  else body = <Listed projects={data} chosen={chosen} />;
  return (
    <section class="screen">
      <h1>{tr("pub.title")}</h1>
      <p class="hint">{tr("pub.intro")}</p>
      {body}
    </section>
  );
}

function Listed({ projects, chosen }: { projects: PublicProject[]; chosen: string | null }) {
  const l = lang.value;
  const shown = withMethodology(projects, chosen);
  const choose = (code: string): void =>
    navigate(code ? `/projects?methodology=${encodeURIComponent(code)}` : "/projects", true);
  return (
    <>
      <label class="field">
        {tr("pub.filter")}
        <select
          data-testid="methodology-filter"
          value={chosen ?? ""}
          onChange={(e) => choose((e.target as HTMLSelectElement).value)}
        >
          <option value="">{tr("pub.allMethodologies")}</option>
          {methodologyChoices(projects).map((m) => (
            <option key={m.code} value={m.code}>
              {nameIn(m, l)}
            </option>
          ))}
        </select>
      </label>
      <p class="hint" role="status">
        {tr("pub.count", { n: shown.length })}
      </p>
      {shown.length === 0 ? (
        <Empty title={tr("pub.emptyFiltered")} />
      ) : (
        <ul class="list">
          {shown.map((p) => (
            <li key={p.id}>
              <a class="list-item" href={`/projects/${p.id}`} data-testid="project">
                <span class="list-title">{nameIn(p, l)}</span>
                <span class="list-meta">
                  {p.methodology ? nameIn(p.methodology, l) : ""} · {place(p.province, p.city, l)}
                </span>
                <span class="list-meta list-saved">{p.owner_name}</span>
                <span class="list-value">
                  {tr("pub.issuedValue", { tonnes: formatTonnes(p.issued_t ?? 0, l) })}
                  <br />
                  <span class="list-meta">{tr("pub.retiredValue", { mass: formatMass(p.retired_g ?? 0, l) })}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

interface Page {
  project: PublicProjectDetail;
  methodology: RegistryMethodology | undefined;
}

async function loadPage(id: string, signal: AbortSignal): Promise<Page> {
  const [project, catalogue] = await Promise.all([
    api<PublicProjectDetail>("GET", `/registry/public/projects/${encodeURIComponent(id)}`, { signal }),
    api<RegistryMethodology[]>("GET", "/registry/methodologies", { signal }),
  ]);
  return { project, methodology: catalogue.find((m) => m.code === project.methodology?.code) };
}

export function ProjectPage({ id }: { id: string }) {
  const { data, error, loading, reload } = useLoad((signal) => loadPage(id, signal), [id]);
  let body;
  if (loading && !data) body = <Loading />;
  else if (!data) body = <ErrorBox error={error} onRetry={reload} />;
  else body = <Project {...data} />;
  return (
    <section class="screen">
      <p>
        <a href="/projects">{tr("pub.back")}</a>
      </p>
      {body}
    </section>
  );
}

function Project({ project: p, methodology: m }: Page) {
  const l = lang.value;
  const named = p.methodology;
  return (
    <>
      <h1>{nameIn(p, l)}</h1>
      <div class="card kpis">
        <div>
          <p class="result-label">{tr("pub.issued")}</p>
          <p class="result-total" data-testid="issued">
            {formatTonnes(p.issued_t ?? 0, l)}
          </p>
        </div>
        <div>
          <p class="result-label">{tr("pub.retired")}</p>
          <p class="result-total" data-testid="retired">
            {formatMass(p.retired_g ?? 0, l)}
          </p>
        </div>
      </div>
      <div class="card">
        <dl class="facts">
          <dt>{tr("pub.registryId")}</dt>
          <dd class="mono">{p.registry_id}</dd>
          <dt>{tr("pub.methodology")}</dt>
          <dd data-testid="methodology">
            {named ? tr("pub.methodologyValue", { name: nameIn(named, l), version: named.version ?? "" }) : ""}
          </dd>
          {m?.source && (
            <>
              <dt>{tr("pub.source")}</dt>
              <dd>{tr("pub.sourceValue", { source: m.source, year: m.year ?? "" })}</dd>
            </>
          )}
          {m?.scenes && m.scenes.length > 0 && (
            <>
              <dt>{tr("pub.scenes")}</dt>
              <dd>{m.scenes.map((s) => nameIn(s, l)).join(l === "zh" ? "、" : ", ")}</dd>
            </>
          )}
          <dt>{tr("pub.location")}</dt>
          <dd>{place(p.province, p.city, l)}</dd>
          {p.latitude != null && p.longitude != null && (
            <>
              <dt>{tr("pub.coordinates")}</dt>
              <dd>{tr("pub.latLon", { lat: String(p.latitude), lon: String(p.longitude) })}</dd>
            </>
          )}
          <dt>{tr("pub.owner")}</dt>
          <dd>{p.owner_name}</dd>
          <dt>{tr("pub.crediting")}</dt>
          <dd>{period(p.crediting_start, p.crediting_end)}</dd>
          <dt>{tr("pub.expected")}</dt>
          <dd>{tr("pub.perYear", { tonnes: formatTonnes(p.expected_annual_t ?? 0, l) })}</dd>
        </dl>
      </div>
      <h2>{tr("pub.issuances")}</h2>
      {(p.issuances ?? []).length === 0 ? (
        <Empty title={tr("pub.noIssuances")} />
      ) : (
        <ul class="list">
          {(p.issuances ?? []).map((i) => (
            <li key={i.serial_range} class="list-item" data-testid="issuance">
              <span class="list-title">
                {tr("pub.vintage", { year: i.vintage ?? "" })} ·{" "}
                {tr("pub.monitoring", { period: period(i.period_start, i.period_end) })}
              </span>
              <span class="list-meta mono">
                {tr("pub.serials")} {i.serial_range}
              </span>
              <span class="list-meta list-saved">{tr("pub.issuedOn", { date: formatDate(i.issued_at!, l) })}</span>
              <span class="list-value">{formatTonnes(i.tonnes ?? 0, l)}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="hint">{tr("pub.retiredNote")}</p>
    </>
  );
}

/** Two calendar days as "2024年1月1日 至 2033年12月31日". */
export function period(from: string | undefined, to: string | undefined): string {
  const l = lang.value;
  return from && to ? tr("pub.period", { from: formatDay(from, l), to: formatDay(to, l) }) : "";
}
