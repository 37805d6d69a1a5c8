// A project owner's projects: the list, a new project (saved as a draft), and its page:
// documents (upload and download), submission for validation, monitoring reports and the
// review history. Operators and verifiers open the same page to validate it.
import { useState } from "preact/hooks";
import { api, download } from "../../api/client";
import type { RegistryMethodology, RegistryProject, RegistryProjectDetail } from "../../api/types";
import { useLoad } from "../../components/useLoad";
import { formatDateTime, formatDay } from "../../format";
import { lang } from "../../i18n";
import { PROVINCE_CODES, regionName } from "../../provinces";
import { fieldErrors } from "../forms";
import { FieldError, FormEnd, Section, States, invalid, useSubmit } from "../ui";
import { projectBody, tonnesFrom, type ProjectForm } from "./forms";
import { rt } from "./messages";
import { Badge, Confirmed, Field, WithReason, methodologyName, projectName, stateTone, tonnes, useMethodologies } from "./shared";

export function ProjectList({ base, version }: { base: string; version: number }) {
  const projects = useLoad((signal) => api<RegistryProject[]>("GET", "/registry/projects", { signal }), [version]);
  const methods = useMethodologies();
  const l = lang.value;
  return (
    <Section title={rt("rg.projects")}>
      <States load={projects} empty={(d) => d.length === 0} emptyTitle={rt("rg.noProjects")}>
        {(list) => (
          <ul class="list" data-testid="registry-projects">
            {list.map((p) => (
              <li key={p.id}>
                <a class="list-item" href={`${base}&project=${p.id}`}>
                  <span class="list-title">{projectName(p, l)}</span>
                  <span class="list-meta">
                    <Badge text={rt(`rg.state.${p.state!}`)} tone={stateTone(p.state)} /> {methodologyName(methods.data, p.methodology, l)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

const EMPTY: ProjectForm = { methodology: "", nameZh: "", nameEn: "", province: "CN-SC", city: "", lat: "", lon: "", start: "", end: "", expected: "" };

export function RegisterProject({ ownerId, onDone }: { ownerId: number; onDone: () => void }) {
  const methods = useMethodologies();
  const [form, setForm] = useState<ProjectForm>(EMPTY);
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const issuable = (methods.data ?? []).filter((m) => m.issued_here);
  const chosen = form.methodology || issuable[0]?.code || "";
  const set = (patch: Partial<ProjectForm>): void => setForm({ ...form, ...patch });
  const save = sent.submit(async () => {
    await api("POST", "/registry/projects", { body: projectBody(ownerId, { ...form, methodology: chosen }) });
    setForm(EMPTY);
    onDone();
    return rt("rg.registered");
  });
  const input = (key: keyof ProjectForm, field: string, label: string, extra: Record<string, unknown> = {}) => (
    <Field id={`proj-${key}`} label={label} field={field} value={form[key]} onInput={(v) => set({ [key]: v })} errors={errors} extra={extra} />
  );
  return (
    <form class="card form" onSubmit={save}>
      <h2>{rt("rg.register")}</h2>
      <p class="hint">{rt("rg.registerHint")}</p>
      <States load={methods}>
        {() => (
          <label class="field" for="proj-methodology">
            <span>{rt("rg.methodology")}</span>
            <select id="proj-methodology" value={chosen} onChange={(e) => set({ methodology: e.currentTarget.value })} {...invalid("methodology", errors)}>
              {issuable.map((m: RegistryMethodology) => (
                <option key={m.code} value={m.code}>
                  {`${l === "zh" ? m.name_zh : m.name_en}（${m.code} ${m.version}）`}
                </option>
              ))}
            </select>
            <FieldError name="methodology" errors={errors} />
          </label>
        )}
      </States>
      {input("nameZh", "name_zh", rt("rg.nameZh"), { maxLength: 200 })}
      {input("nameEn", "name_en", rt("rg.nameEn"), { maxLength: 200 })}
      <label class="field" for="proj-province">
        <span>{rt("rg.province")}</span>
        <select id="proj-province" value={form.province} onChange={(e) => set({ province: e.currentTarget.value })} {...invalid("province", errors)}>
          {PROVINCE_CODES.map((code) => (
            <option key={code} value={code}>
              {regionName(code, l)}
            </option>
          ))}
        </select>
        <FieldError name="province" errors={errors} />
      </label>
      {input("city", "city", rt("rg.city"), { maxLength: 50 })}
      {input("lat", "latitude", rt("rg.latitude"), { inputMode: "decimal", placeholder: "30.66" })}
      {input("lon", "longitude", rt("rg.longitude"), { inputMode: "decimal", placeholder: "104.06" })}
      {input("start", "crediting_start", rt("rg.creditingStart"), { type: "date" })}
      {input("end", "crediting_end", rt("rg.creditingEnd"), { type: "date" })}
      {input("expected", "expected_annual_t", rt("rg.expected"), { inputMode: "numeric" })}
      <FormEnd sent={sent} errors={errors} label={rt("rg.registerButton")} testId="project-saved" />
    </form>
  );
}

/** A project's page; `owner` may upload, submit and report, `operator` may validate or reject. */
export function ProjectPage(props: { id: number; back: string; owner: boolean; operator: boolean; onChange?: () => void }) {
  const detail = useLoad((signal) => api<RegistryProjectDetail>("GET", `/registry/projects/${props.id}`, { signal }), [props.id]);
  const methods = useMethodologies();
  const l = lang.value;
  const changed = (): void => {
    detail.reload();
    props.onChange?.();
  };
  const move = (to: string, reason: string | null = null) => async (): Promise<void> => {
    await api("POST", `/registry/projects/${props.id}/transitions`, { body: { to, reason } });
    changed();
  };
  return (
    <>
      <p class="hint">
        <a href={props.back}>{rt("rg.back")}</a>
      </p>
      <States load={detail}>
        {({ project: p, history }) => (
          <>
            <Section title={projectName(p!, l)}>
              <p class="registry-row">
                <Badge text={rt(`rg.state.${p!.state!}`)} tone={stateTone(p!.state)} />
                <span>{methodologyName(methods.data, p!.methodology, l)}</span>
              </p>
              {p!.reject_reason && <p class="notice">{rt("rg.reason", { reason: p!.reject_reason })}</p>}
              <p>{rt("rg.place", { province: regionName(p!.province!, l), city: p!.city!, lat: String(p!.latitude), lon: String(p!.longitude) })}</p>
              <p>{rt("rg.period", { start: formatDay(p!.crediting_start!, l), end: formatDay(p!.crediting_end!, l) })}</p>
              <p>{rt("rg.expectedLine", { tonnes: tonnes(p!.expected_annual_t!, l) })}</p>
              {props.owner && p!.state === "draft" && (
                <>
                  {(p!.documents ?? []).length === 0 && <p class="hint">{rt("rg.needDocument")}</p>}
                  <Confirmed label={rt("rg.submit")} title={rt("rg.submitConfirm", { name: projectName(p!, l) })} yes={rt("rg.submitYes")} disabled={(p!.documents ?? []).length === 0} testId="submit-project" onConfirm={move("submitted")}>
                    <p>{rt("rg.submitText")}</p>
                  </Confirmed>
                </>
              )}
              {props.operator && p!.state === "submitted" && (
                <div class="actions">
                  <Confirmed label={rt("rg.validate")} title={rt("rg.validateConfirm", { name: projectName(p!, l) })} yes={rt("rg.validate")} testId="validate-project" onConfirm={move("validated")}>
                    <p>{rt("rg.validateText")}</p>
                  </Confirmed>
                  <WithReason label={rt("rg.reject")} yes={rt("rg.rejectYes")} testId="reject-project" onConfirm={(reason) => move("rejected", reason)()} />
                </div>
              )}
            </Section>
            <Documents project={p!} owner={props.owner} onDone={changed} />
            <Reports project={p!} owner={props.owner} onDone={changed} />
            <Section title={rt("rg.history")}>
              <ul class="list">
                {(history ?? []).map((h, i) => (
                  <li key={i} class="hint">
                    {rt("rg.historyLine", {
                      at: formatDateTime(h.at!, l),
                      from: h.from_state ? rt(`rg.state.${h.from_state}` as "rg.state.draft") : "—",
                      to: rt(`rg.state.${h.to_state}` as "rg.state.draft"),
                    })}
                    {h.reason && ` · ${h.reason}`}
                  </li>
                ))}
              </ul>
            </Section>
          </>
        )}
      </States>
    </>
  );
}

function Documents({ project, owner, onDone }: { project: RegistryProject; owner: boolean; onDone: () => void }) {
  const [title, setTitle] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const upload = sent.submit(async () => {
    const form = new FormData();
    form.set("title", title.trim());
    if (file) form.set("file", file);
    await api("POST", `/registry/projects/${project.id}/documents`, { form });
    const done = rt("rg.uploaded", { title: title.trim() });
    setTitle("");
    setFile(null);
    onDone();
    return done;
  });
  const docs = project.documents ?? [];
  return (
    <Section title={rt("rg.documents")}>
      {docs.length === 0 ? (
        <p class="hint">{rt("rg.noDocuments")}</p>
      ) : (
        <ul class="list" data-testid="documents">
          {docs.map((d) => (
            <li key={d.id} class="registry-row">
              <span>{rt("rg.docLine", { name: d.title!, size: `${Math.max(1, Math.round(d.size! / 1024))} KB` })}</span>
              <button class="button secondary small" type="button" onClick={() => void download(`/registry/projects/${project.id}/documents/${d.id}`, d.filename!)}>
                {rt("rg.download")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {owner && (
        <form class="form" onSubmit={upload}>
          <Field id="doc-title" label={rt("rg.docTitle")} field="title" value={title} onInput={setTitle} errors={errors} extra={{ maxLength: 200, placeholder: rt("rg.docTitlePlaceholder") }} />
          <label class="field" for="doc-file">
            <span>{rt("rg.file")}</span>
            <input id="doc-file" type="file" accept="application/pdf,image/jpeg,image/png" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} {...invalid("file", errors)} />
            <FieldError name="file" errors={errors} />
          </label>
          <FormEnd sent={sent} errors={errors} label={rt("rg.upload")} testId="uploaded" />
        </form>
      )}
    </Section>
  );
}

function Reports({ project, owner, onDone }: { project: RegistryProject; owner: boolean; onDone: () => void }) {
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [claimed, setClaimed] = useState("");
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const submit = sent.submit(async () => {
    await api("POST", `/registry/projects/${project.id}/reports`, {
      body: { period_start: start || null, period_end: end || null, claimed_t: tonnesFrom(claimed) },
    });
    setClaimed("");
    onDone();
    return rt("rg.reportSent");
  });
  const reports = project.reports ?? [];
  return (
    <Section title={rt("rg.reports")}>
      {reports.length === 0 ? (
        <p class="hint">{rt("rg.noReports")}</p>
      ) : (
        <ul class="list" data-testid="reports">
          {reports.map((r) => (
            <li key={r.id} class="endpoint">
              <p class="registry-row">
                <Badge text={rt(`rg.report.${r.state!}`)} tone={stateTone(r.state)} />
                <span>{rt("rg.reportLine", { start: formatDay(r.period_start!, l), end: formatDay(r.period_end!, l), claimed: tonnes(r.claimed_t!, l) })}</span>
              </p>
              {r.verified_t != null && <p class="hint">{rt("rg.reportVerified", { verified: tonnes(r.verified_t, l), issued: tonnes(r.issued_t!, l) })}</p>}
              {r.reject_reason && <p class="hint">{rt("rg.reason", { reason: r.reject_reason })}</p>}
            </li>
          ))}
        </ul>
      )}
      {owner && project.state === "validated" && (
        <form class="form" onSubmit={submit}>
          <h3>{rt("rg.newReport")}</h3>
          <Field id="rep-start" label={rt("rg.periodStart")} field="period_start" value={start} onInput={setStart} errors={errors} extra={{ type: "date" }} />
          <Field id="rep-end" label={rt("rg.periodEnd")} field="period_end" value={end} onInput={setEnd} errors={errors} extra={{ type: "date" }} />
          <Field id="rep-claimed" label={rt("rg.claimed")} field="claimed_t" value={claimed} onInput={setClaimed} errors={errors} extra={{ inputMode: "numeric" }} />
          <FormEnd sent={sent} errors={errors} label={rt("rg.reportButton")} testId="report-sent" />
        </form>
      )}
    </Section>
  );
}
