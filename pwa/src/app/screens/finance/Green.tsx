// The public 绿蓉融 pages (a lazy chunk): listed projects (/finance/projects) and a project's page
// with its benefit and calculation trail (/finance/projects/:id), listed enterprises
// (/finance/enterprises), and an organisation's published ESG disclosure (/finance/esg/:org).
// Organisations only: no person, no phone.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { useLoad } from "../../components/useLoad";
import { formatDay } from "../../format";
import { lang } from "../../i18n";
import { match } from "../../paths";
import { here } from "../../router";
import { kindName } from "../../staff/finance/Listings";
import { EsgBody } from "../../staff/finance/Esg";
import { gt } from "../../staff/finance/greenMessages";
import type { Esg, ListedPage, PublicListing } from "../../staff/finance/greenTypes";
import { Section, States } from "../../staff/ui";

const PER_PAGE = 20;

export function Desk({ path }: { path: string }) {
  const project = match("/finance/projects/:id", path);
  if (project) return <ProjectPage id={Number(project.id)} />;
  const esg = match("/finance/esg/:org", path);
  if (esg) return <EsgPage orgId={Number(esg.org)} />;
  return <Listed subject={path.startsWith("/finance/enterprises") ? "enterprises" : "projects"} />;
}

function Listed({ subject }: { subject: "enterprises" | "projects" }) {
  const l = lang.value;
  const q = here.value.query;
  const [kind, setKind] = useState(q.get("kind") ?? "");
  const [category, setCategory] = useState(q.get("category") ?? "");
  const [asked, setAsked] = useState({ kind, category, page: 1 });
  const query = new URLSearchParams({ page: String(asked.page), per_page: String(PER_PAGE) });
  if (asked.kind) query.set("kind", asked.kind);
  if (asked.category.trim()) query.set("category", asked.category.trim());
  const page = useLoad((signal) => api<ListedPage>("GET", `/finance/listed/${subject}?${query}`, { signal }), [subject, query.toString()]);
  const kinds = subject === "projects" ? ["green", "climate_investment"] : ["green", "climate_friendly"];
  const single = subject === "projects" ? "project" : "enterprise";
  return (
    <section class="screen">
      <h1>{gt(subject === "projects" ? "gr.public.projects" : "gr.public.enterprises")}</h1>
      <form class="form" onSubmit={(e) => { e.preventDefault(); setAsked({ kind, category, page: 1 }); }}>
        <label class="field" for="gr-filter-kind">
          <span>{gt("gr.kind")}</span>
          <select id="gr-filter-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{gt("gr.public.all")}</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindName({ subject: single, kind: k })}
              </option>
            ))}
          </select>
        </label>
        <label class="field" for="gr-filter-category">
          <span>{gt("gr.public.category")}</span>
          <input id="gr-filter-category" value={category} maxLength={8} onInput={(e) => setCategory(e.currentTarget.value)} />
        </label>
        <button class="button secondary" type="submit">
          {gt("gr.public.filter")}
        </button>
      </form>
      <States load={page} empty={(p) => (p.items ?? []).length === 0} emptyTitle={gt("gr.public.empty")}>
        {(p) => (
          <>
            <p class="hint">{gt("gr.public.total", { n: String(p.total ?? 0) })}</p>
            <ul class="list" data-testid="listed">
              {(p.items ?? []).map((x) => (
                <li key={x.id}>
                  <ListedItem x={x} l={l} />
                </li>
              ))}
            </ul>
            <div class="actions">
              {asked.page > 1 && (
                <button class="button secondary" type="button" onClick={() => setAsked({ ...asked, page: asked.page - 1 })}>
                  {gt("gr.public.prev")}
                </button>
              )}
              {asked.page * PER_PAGE < (p.total ?? 0) && (
                <button class="button secondary" type="button" onClick={() => setAsked({ ...asked, page: asked.page + 1 })}>
                  {gt("gr.public.next")}
                </button>
              )}
            </div>
          </>
        )}
      </States>
    </section>
  );
}

function ListedItem({ x, l }: { x: PublicListing; l: "zh" | "en" }) {
  const category = x.category ? `${x.category.code} ${l === "zh" ? x.category.name_zh : x.category.name_en}` : x.taxonomy_code;
  const body = (
    <>
      <span class="list-title">{x.subject === "project" ? (l === "zh" ? x.project_name_zh : x.project_name_en) : x.organisation_name}</span>
      <span class="list-meta">
        {kindName(x)} · {category}（{x.taxonomy_version}）{x.subject === "project" ? ` · ${x.organisation_name}` : ""}
        {x.benefit ? ` · ${gt("gr.benefitLine", { t: x.benefit.avoided_t_per_year ?? "", method: gt(`gr.method.${x.benefit.method}` as Parameters<typeof gt>[0]) })}` : ""}
      </span>
    </>
  );
  return x.subject === "project" ? (
    <a class="list-item" href={`/finance/projects/${x.id}`}>
      {body}
    </a>
  ) : (
    <div class="list-item">{body}</div>
  );
}

function ProjectPage({ id }: { id: number }) {
  const l = lang.value;
  const page = useLoad((signal) => api<PublicListing>("GET", `/finance/listed/projects/${id}`, { signal }), [id]);
  return (
    <section class="screen">
      <a href="/finance/projects">{gt("gr.public.back")}</a>
      <States load={page}>
        {(x) => (
          <>
            <h1>{l === "zh" ? x.project_name_zh : x.project_name_en}</h1>
            <p>
              {x.organisation_name} · {kindName(x)} · {x.category ? `${x.category.code} ${l === "zh" ? x.category.name_zh : x.category.name_en}` : x.taxonomy_code}（{x.taxonomy_version}）
            </p>
            {x.listed_at && <p class="hint">{gt("gr.public.listedAt", { at: formatDay(x.listed_at.slice(0, 10), l) })}</p>}
            {x.benefit && (
              <Section title={gt("gr.benefitLine", { t: x.benefit.avoided_t_per_year ?? "", method: gt(`gr.method.${x.benefit.method}` as Parameters<typeof gt>[0]) })}>
                <p data-testid="trail">{l === "zh" ? x.benefit.trail_zh : x.benefit.trail_en}</p>
                {x.benefit.factor && (
                  <p class="hint">
                    {gt("gr.public.factor", {
                      value: x.benefit.factor.value ?? "",
                      unit: x.benefit.factor.unit ?? "",
                      source: x.benefit.factor.source ?? "",
                      year: String(x.benefit.factor.year ?? ""),
                      set: x.benefit.factor.factor_set ?? "",
                    })}
                  </p>
                )}
              </Section>
            )}
          </>
        )}
      </States>
    </section>
  );
}

function EsgPage({ orgId }: { orgId: number }) {
  const l = lang.value;
  const page = useLoad((signal) => api<Esg>("GET", `/finance/organisations/${orgId}/esg?lang=${l}`, { signal }), [orgId, l]);
  return (
    <section class="screen">
      <States load={page}>
        {(v) => (
          <>
            <h1>{gt("gr.public.esgOf", { name: v.organisation_name ?? "" })}</h1>
            <a class="button secondary" href={`/api/v1/finance/organisations/${orgId}/esg.pdf?lang=${l}`}>
              {gt("gr.pdf")}
            </a>
            <EsgBody v={v} />
          </>
        )}
      </States>
    </section>
  );
}
