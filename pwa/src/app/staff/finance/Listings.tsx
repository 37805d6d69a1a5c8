// The organisation's 绿蓉融 section (a lazy chunk): its listing applications (apply with a
// catalogue code, a statement and evidence files; their state, benefit and history) and, on the
// operator organisation's desk, the review queue (list, or reject with a reason, confirmed).
import { useState } from "preact/hooks";
import { me } from "../../account";
import { api, download } from "../../api/client";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { useLoad } from "../../components/useLoad";
import { adminOrgs } from "../../roles";
import { fieldErrors } from "../forms";
import { ErrorBox } from "../../components/status";
import { FieldError, Section, States, invalid, useSubmit } from "../ui";
import { Badge, Confirmed, Field, WithReason } from "../registry/shared";
import { gt } from "./greenMessages";
import type { ListedPage, ListingApplication, ListingApplicationCreate, TaxonomyCatalogue } from "./greenTypes";

type Subject = ListingApplicationCreate["subject"];
type Kind = ListingApplicationCreate["kind"];
const KINDS: Record<Subject, Kind[]> = {
  enterprise: ["green", "climate_friendly"],
  project: ["green", "climate_investment"],
};

export const kindName = (a: { subject?: string; kind?: string }): string =>
  gt(`gr.kind.${a.subject}.${a.kind}` as Parameters<typeof gt>[0]);
export const stateName = (s: string | undefined): string => gt(`gr.state.${s}` as Parameters<typeof gt>[0]);
const tone = (s: string | undefined) => (s === "listed" ? "ok" : s === "submitted" ? "wait" : "no");

export function Desk({ path }: { path: string }) {
  const orgId = Number(path.split("/")[2]);
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const admin = adminOrgs(me.value).some((o) => o.id === orgId);
  const membership = me.value?.organisations?.find((m) => m.organisation?.id === orgId);
  const operatorDesk = !!me.value?.operator && membership?.organisation?.kind === "operator";
  return (
    <>
      {operatorDesk && <ReviewQueue version={version} onDone={bump} />}
      {operatorDesk && <ListedEntries version={version} onDone={bump} />}
      <Mine orgId={orgId} version={version} />
      {admin ? <Apply orgId={orgId} onDone={bump} /> : <p class="hint">{gt("gr.membersOnly")}</p>}
    </>
  );
}

function Mine({ orgId, version }: { orgId: number; version: number }) {
  const apps = useLoad(
    (signal) => api<ListingApplication[]>("GET", `/finance/organisations/${orgId}/listing-applications`, { signal }),
    [orgId, version],
  );
  return (
    <Section title={gt("gr.mine")}>
      <States load={apps} empty={(xs) => xs.length === 0} emptyTitle={gt("gr.none")}>
        {(xs) => (
          <ul class="list" data-testid="listing-applications">
            {xs.map((a) => (
              <ApplicationItem key={a.id} a={a} />
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

function ApplicationItem({ a, children }: { a: ListingApplication; children?: preact.ComponentChildren }) {
  const l = lang.value;
  const name = a.subject === "project" ? (l === "zh" ? a.project_name_zh : a.project_name_en) : a.organisation_name;
  const category = a.category ? `${a.category.code} ${l === "zh" ? a.category.name_zh : a.category.name_en}` : a.taxonomy_code;
  return (
    <li class="endpoint" data-testid={`listing-${a.id}`}>
      <p class="list-title">
        {name} · {kindName(a)} <Badge text={stateName(a.state)} tone={tone(a.state)} />
      </p>
      <p class="list-meta">
        {category}（{a.taxonomy_version}）
      </p>
      {a.reason && <p>{gt("gr.reason", { reason: a.reason })}</p>}
      {a.benefit && (
        <details>
          <summary>
            {gt("gr.benefitLine", { t: a.benefit.avoided_t_per_year ?? "", method: gt(`gr.method.${a.benefit.method}` as Parameters<typeof gt>[0]) })}
          </summary>
          <p>{l === "zh" ? a.benefit.trail_zh : a.benefit.trail_en}</p>
        </details>
      )}
      {(a.documents ?? []).length > 0 && (
        <p>
          {gt("gr.documents")}:{" "}
          {a.documents!.map((d) => (
            <button key={d.id} class="button secondary small" type="button" onClick={() => void download(`/finance/listing-applications/${a.id}/documents/${d.id}`, d.filename!)}>
              {d.title}
            </button>
          ))}
        </p>
      )}
      <details>
        <summary>{gt("gr.history")}</summary>
        <ul>
          {(a.events ?? []).map((e, i) => (
            <li key={i}>
              {gt("gr.event", { at: formatDateTime(e.at!, l), to: stateName(e.to_state) })}
              {e.reason ? ` · ${gt("gr.reason", { reason: e.reason })}` : ""}
            </li>
          ))}
        </ul>
      </details>
      {children}
    </li>
  );
}

function Apply({ orgId, onDone }: { orgId: number; onDone: () => void }) {
  const l = lang.value;
  const taxonomy = useLoad((signal) => api<TaxonomyCatalogue[]>("GET", "/finance/taxonomy", { signal }), []);
  const [subject, setSubject] = useState<Subject>("enterprise");
  const [kind, setKind] = useState<Kind>("green");
  const [version, setVersion] = useState("2019");
  const [code, setCode] = useState("");
  const [statement, setStatement] = useState("");
  const [nameZh, setNameZh] = useState("");
  const [nameEn, setNameEn] = useState("");
  const [province, setProvince] = useState("CN-SC");
  const [registryId, setRegistryId] = useState("");
  const [mwh, setMwh] = useState("");
  const [statedT, setStatedT] = useState("");
  const [statedMethod, setStatedMethod] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const sent = useSubmit();
  const errors = fieldErrors(sent.error, l);
  const whole = (s: string): number | undefined => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);
  const body = (): ListingApplicationCreate => {
    const b: ListingApplicationCreate = { subject, kind, taxonomy_version: version, taxonomy_code: code, statement: statement.trim() };
    if (subject === "project") {
      b.project_name_zh = nameZh.trim();
      if (nameEn.trim()) b.project_name_en = nameEn.trim();
      if (whole(registryId)) b.registry_project_id = whole(registryId);
      else if (province.trim()) b.province = province.trim();
      if (whole(mwh)) b.annual_mwh = whole(mwh);
      if (whole(statedT)) b.stated_t_per_year = whole(statedT);
      if (statedMethod.trim()) b.stated_method = statedMethod.trim();
    }
    return b;
  };
  const submit = async (): Promise<void> => {
    await sent.submit(async () => {
      const made = await api<ListingApplication>("POST", `/finance/organisations/${orgId}/listing-applications`, { body: body() });
      for (const file of files) {
        const form = new FormData();
        form.set("title", file.name.slice(0, 200) || "evidence");
        form.set("file", file);
        await api("POST", `/finance/listing-applications/${made.id}/documents`, { form });
      }
      setStatement("");
      setFiles([]);
      onDone();
      return files.length ? `${gt("gr.applied")} ${gt("gr.uploaded", { count: String(files.length) })}` : gt("gr.applied");
    })(new Event("submit"));
  };
  return (
    <Section title={gt("gr.apply")}>
      <States load={taxonomy}>
        {(cats) => {
          const catalogue = cats.find((c) => c.version === version) ?? cats[0]!;
          return (
            <form class="form" onSubmit={(e) => e.preventDefault()}>
              <label class="field" for="gr-subject">
                <span>{gt("gr.subject")}</span>
                <select id="gr-subject" value={subject} onChange={(e) => { const s = e.currentTarget.value as Subject; setSubject(s); setKind(KINDS[s][0]!); }}>
                  <option value="enterprise">{gt("gr.subject.enterprise")}</option>
                  <option value="project">{gt("gr.subject.project")}</option>
                </select>
              </label>
              <label class="field" for="gr-kind">
                <span>{gt("gr.kind")}</span>
                <select id="gr-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)} {...invalid("kind", errors)}>
                  {KINDS[subject].map((k) => (
                    <option key={k} value={k}>
                      {kindName({ subject, kind: k })}
                    </option>
                  ))}
                </select>
                <FieldError name="kind" errors={errors} />
              </label>
              <label class="field" for="gr-version">
                <span>{gt("gr.version")}</span>
                <select id="gr-version" value={version} onChange={(e) => { setVersion(e.currentTarget.value); setCode(""); }} {...invalid("taxonomy_version", errors)}>
                  {cats.map((c) => (
                    <option key={c.version} value={c.version}>
                      {l === "zh" ? c.name_zh : c.name_en} {c.document}
                    </option>
                  ))}
                </select>
                <FieldError name="taxonomy_version" errors={errors} />
              </label>
              <p class="hint">{gt("gr.levels", { levels: (catalogue.complete_levels ?? []).join(", ") })}</p>
              <label class="field" for="gr-code">
                <span>{gt("gr.code")}</span>
                <select id="gr-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} {...invalid("taxonomy_code", errors)}>
                  <option value="">—</option>
                  {(catalogue.categories ?? []).map((c) => (
                    <option key={c.code} value={c.code}>
                      {"\u3000".repeat((c.level ?? 1) - 1)}
                      {c.code} {l === "zh" ? c.name_zh : c.name_en}
                    </option>
                  ))}
                </select>
                <FieldError name="taxonomy_code" errors={errors} />
              </label>
              <label class="field" for="gr-statement">
                <span>{gt("gr.statement")}</span>
                <textarea id="gr-statement" maxLength={4000} value={statement} onInput={(e) => setStatement(e.currentTarget.value)} {...invalid("statement", errors)} />
                <FieldError name="statement" errors={errors} />
              </label>
              {subject === "project" && (
                <>
                  <Field id="gr-name-zh" label={gt("gr.projectNameZh")} field="project_name_zh" value={nameZh} onInput={setNameZh} errors={errors} extra={{ maxLength: 200 }} />
                  <Field id="gr-name-en" label={gt("gr.projectNameEn")} field="project_name_en" value={nameEn} onInput={setNameEn} errors={errors} extra={{ maxLength: 200 }} />
                  <p class="hint">{gt("gr.benefitHint")}</p>
                  <Field id="gr-registry" label={gt("gr.registryProject")} field="registry_project_id" value={registryId} onInput={setRegistryId} errors={errors} extra={{ inputMode: "numeric" }} />
                  <Field id="gr-province" label={gt("gr.province")} field="province" value={province} onInput={setProvince} errors={errors} extra={{ maxLength: 6 }} />
                  <Field id="gr-mwh" label={gt("gr.mwh")} field="annual_mwh" value={mwh} onInput={setMwh} errors={errors} extra={{ inputMode: "numeric" }} />
                  <Field id="gr-stated" label={gt("gr.statedT")} field="stated_t_per_year" value={statedT} onInput={setStatedT} errors={errors} extra={{ inputMode: "numeric" }} />
                  <Field id="gr-method" label={gt("gr.statedMethod")} field="stated_method" value={statedMethod} onInput={setStatedMethod} errors={errors} extra={{ maxLength: 2000 }} />
                </>
              )}
              <label class="field" for="gr-files">
                <span>{gt("gr.files")}</span>
                <input id="gr-files" type="file" multiple accept="application/pdf,image/jpeg,image/png" onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))} {...invalid("file", errors)} />
                <FieldError name="file" errors={errors} />
              </label>
              <Confirmed label={gt("gr.applyReview")} title={gt("gr.applyConfirm")} yes={gt("gr.applyYes")} disabled={!code || !statement.trim() || sent.busy} testId="listing-apply" onConfirm={submit}>
                <p>{gt("gr.applyText", { kind: kindName({ subject, kind }), code })}</p>
              </Confirmed>
              {sent.done && (
                <p class="success" role="status" data-testid="listing-applied">
                  {sent.done}
                </p>
              )}
              {sent.error !== undefined && Object.keys(errors).length === 0 && <ErrorBox error={sent.error} />}
            </form>
          );
        }}
      </States>
    </Section>
  );
}

function ReviewQueue({ version, onDone }: { version: number; onDone: () => void }) {
  const queue = useLoad((signal) => api<ListingApplication[]>("GET", "/finance/listing-review", { signal }), [version]);
  const [done, setDone] = useState("");
  const decide = (id: number, body: object) => async (): Promise<void> => {
    await api("POST", `/finance/listing-applications/${id}/transitions`, { body: { reason: null, ...body } });
    setDone(gt("gr.decided"));
    queue.reload();
    onDone();
  };
  const l = lang.value;
  return (
    <Section title={gt("gr.queue")}>
      {done && (
        <p class="success" role="status" data-testid="listing-decided">
          {done}
        </p>
      )}
      <States load={queue} empty={(xs) => xs.length === 0} emptyTitle={gt("gr.queueEmpty")}>
        {(xs) => (
          <ul class="list" data-testid="listing-queue">
            {xs.map((a) => {
              const name = (a.subject === "project" ? (l === "zh" ? a.project_name_zh : a.project_name_en) : a.organisation_name) ?? "";
              return (
                <ApplicationItem key={a.id} a={a}>
                  <p>{a.statement}</p>
                  <div class="actions">
                    <Confirmed label={gt("gr.approve")} title={gt("gr.approveConfirm", { name })} yes={gt("gr.approve")} testId={`listing-approve-${a.id}`} onConfirm={decide(a.id!, { to: "listed" })}>
                      <p>{gt("gr.approveText")}</p>
                    </Confirmed>
                    <WithReason label={gt("gr.reject")} yes={gt("gr.rejectYes")} testId={`listing-reject-${a.id}`} onConfirm={(reason) => decide(a.id!, { to: "rejected", reason })()} />
                  </div>
                </ApplicationItem>
              );
            })}
          </ul>
        )}
      </States>
    </Section>
  );
}

/** Listed entries (the public lists' first pages), each delisted with a reason (operators). */
function ListedEntries({ version, onDone }: { version: number; onDone: () => void }) {
  const listed = useLoad(
    async (signal) => {
      const [e, p] = await Promise.all(
        (["enterprises", "projects"] as const).map((x) => api<ListedPage>("GET", `/finance/listed/${x}?per_page=100`, { signal })),
      );
      return [...(e!.items ?? []), ...(p!.items ?? [])];
    },
    [version],
  );
  const l = lang.value;
  const delist = (id: number, reason: string) => async (): Promise<void> => {
    await api("POST", `/finance/listing-applications/${id}/transitions`, { body: { to: "delisted", reason } });
    listed.reload();
    onDone();
  };
  return (
    <Section title={gt("gr.state.listed")}>
      <States load={listed} empty={(xs) => xs.length === 0} emptyTitle={gt("gr.public.empty")}>
        {(xs) => (
          <ul class="list" data-testid="listed-entries">
            {xs.map((x) => (
              <li key={x.id} class="endpoint">
                <p class="list-title">
                  {x.subject === "project" ? (l === "zh" ? x.project_name_zh : x.project_name_en) : x.organisation_name} · {kindName(x)}
                </p>
                <WithReason label={gt("gr.delist")} yes={gt("gr.delistYes")} testId={`listing-delist-${x.id}`} onConfirm={(reason) => delist(x.id!, reason)()} />
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}
