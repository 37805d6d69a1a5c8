// Open a case: number, offence, damaged site, defendants, the mass to restore and the last day
// to buy. The server's 422 is shown beside each field it names.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { Case } from "../../api/types";
import { ErrorBox } from "../../components/status";
import { lang } from "../../i18n";
import type { OrgRef } from "../../roles";
import { navigate } from "../../router";
import { caseBody, fieldErrors, type CaseForm } from "../forms";
import { st } from "../messages";
import { PROVINCES, type Province } from "../provinces";
import { FieldError, invalid } from "../ui";

export function NewCase({ courts }: { courts: OrgRef[] }) {
  const [form, setForm] = useState<CaseForm>({
    courtId: courts[0]!.id,
    number: "",
    offence: "",
    place: "",
    province: "CN-SC",
    defendants: [{ name: "", phone: "" }],
    massKg: "",
    basis: "total",
    deadline: "",
  });
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const set = (patch: Partial<CaseForm>): void => setForm({ ...form, ...patch });
  const setDefendant = (i: number, patch: Partial<CaseForm["defendants"][number]>): void =>
    set({ defendants: form.defendants.map((d, j) => (i === j ? { ...d, ...patch } : d)) });

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const made = await api<Case>("POST", "/court-cases", { body: caseBody(form) });
      navigate(`/court/cases/${made.id}`, true);
    } catch (err) {
      setError(err);
      queueMicrotask(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
    } finally {
      setBusy(false);
    }
  }

  const text = (name: string, label: string, value: string, onInput: (v: string) => void, extra: Record<string, unknown> = {}) => (
    <label class="field" for={`case-${name}`}>
      <span>{label}</span>
      <input id={`case-${name}`} value={value} onInput={(e) => onInput(e.currentTarget.value)} {...extra} {...invalid(name, errors)} />
      <FieldError name={name} errors={errors} />
    </label>
  );

  return (
    <section class="screen">
      <p class="hint">
        <a href="/court">{st("cases.back")}</a>
      </p>
      <h1>{st("cases.open")}</h1>
      <form class="card form" onSubmit={submit} noValidate>
        {courts.length > 1 && (
          <label class="field" for="case-court_id">
            <span>{st("field.court_id")}</span>
            <select id="case-court_id" value={form.courtId} onChange={(e) => set({ courtId: Number(e.currentTarget.value) })} {...invalid("court_id", errors)}>
              {courts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <FieldError name="court_id" errors={errors} />
          </label>
        )}
        {text("number", st("field.number"), form.number, (v) => set({ number: v }), { required: true, placeholder: "(2023)川1827刑初12号", maxLength: 60 })}
        {text("offence", st("field.offence"), form.offence, (v) => set({ offence: v }), { required: true, maxLength: 200 })}
        {text("site.place", st("field.place"), form.place, (v) => set({ place: v }), { required: true, maxLength: 200 })}
        <label class="field" for="case-site.province">
          <span>{st("field.province")}</span>
          <select id="case-site.province" value={form.province} onChange={(e) => set({ province: e.currentTarget.value })} {...invalid("site.province", errors)}>
            {(Object.keys(PROVINCES) as Province[]).map((code) => (
              <option key={code} value={code}>
                {PROVINCES[code][l === "zh" ? 0 : 1]}
              </option>
            ))}
          </select>
          <FieldError name="site.province" errors={errors} />
        </label>
        <fieldset class="choices" {...invalid("defendants", errors)}>
          <legend>{st("field.defendants")}</legend>
          <FieldError name="defendants" errors={errors} />
          {form.defendants.map((d, i) => (
            <div key={i} class="defendant-row">
              {text(`defendants.${i}.name`, st("case.defendantName", { n: i + 1 }), d.name, (v) => setDefendant(i, { name: v }), { required: true, maxLength: 100 })}
              {text(`defendants.${i}.phone`, st("case.defendantPhone"), d.phone, (v) => setDefendant(i, { phone: v }), { type: "tel", inputMode: "tel", maxLength: 20 })}
              {form.defendants.length > 1 && (
                <button class="button secondary" type="button" onClick={() => set({ defendants: form.defendants.filter((_, j) => j !== i) })}>
                  {st("case.removeDefendant", { n: i + 1 })}
                </button>
              )}
            </div>
          ))}
          <button class="button secondary" type="button" onClick={() => set({ defendants: [...form.defendants, { name: "", phone: "" }] })}>
            {st("case.addDefendant")}
          </button>
        </fieldset>
        {text("mass_g", st("field.mass_kg"), form.massKg, (v) => set({ massKg: v }), { required: true, inputMode: "decimal", placeholder: "24000" })}
        <fieldset class="choices" {...invalid("mass_basis", errors)}>
          <legend>{st("field.mass_basis")}</legend>
          {(["total", "per_defendant"] as const).map((b) => (
            <label key={b} class="field check">
              <input type="radio" name="mass_basis" checked={form.basis === b} onChange={() => set({ basis: b })} />
              <span>{st(`basis.${b}`)}</span>
            </label>
          ))}
          <FieldError name="mass_basis" errors={errors} />
        </fieldset>
        {text("deadline", st("field.deadline"), form.deadline, (v) => set({ deadline: v }), { type: "date", required: true })}
        <p class="hint">{st("case.eligibleDefault")}</p>
        {error !== undefined && <ErrorBox error={error} />}
        <button class="button primary" type="submit" disabled={busy}>
          {st("case.submit")}
        </button>
      </form>
    </section>
  );
}
