// 融资申请 (a lazy section of the 绿色金融 tab). For an enterprise: apply against published
// products whose criteria the project meets (an Idempotency-Key kept across retries), and its
// applications with each leg's state and history; its admins withdraw a leg before approval.
// For a financial institution: its inbox (the applications on its products, by state), where
// its admins take a leg under review, approve it with an amount, record the disbursement, or
// decline it with a reason, each after a confirmation.
import { useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../../api/client";
import type { Loaded } from "../../components/useLoad";
import { useLoad } from "../../components/useLoad";
import { formatDate, formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { yuan } from "../../units";
import { fieldErrors } from "../forms";
import { Confirmed, Field, WithReason, useAccountDesk } from "../registry/shared";
import { FieldError, FormEnd, Section, States, invalid, useSubmit } from "../ui";
import {
  PROJECT_TYPES,
  applicationBody,
  chinaToday,
  eligible,
  fenFromWan,
  monthsFrom,
  nextSteps,
  type Actor,
  type Application,
  type ApplicationForm,
  type Leg,
  type LegState,
  type Product,
  wanFromFen,
} from "./lendForms";
import { lt } from "./lendMessages";
import { LegBadge, productName, typeName } from "./lendShared";

export function Desk({ path }: { path: string }) {
  const { orgId, account, version, bump, admin } = useAccountDesk(path);
  return (
    <States load={account}>
      {({ a }) => {
        const institution = a && (a.roles ?? []).includes("financial_institution") ? a.id! : null;
        return (
          <>
            {!admin && <p class="hint">{lt("ln.membersOnly")}</p>}
            {institution !== null && <Inbox participantId={institution} admin={admin} version={version} onChange={bump} />}
            {admin && <Apply orgId={orgId} own={institution} onDone={bump} />}
            <Mine orgId={orgId} admin={admin} version={version} onChange={bump} />
          </>
        );
      }}
    </States>
  );
}

const EMPTY: ApplicationForm = { amount: "", term: "", projectType: "solar_pv", description: "", taxonomyCode: "", registryProjectId: "", productIds: [] };

/** `own`: the organisation's institution account, whose products it cannot apply to. */
function Apply({ orgId, own, onDone }: { orgId: number; own: number | null; onDone: () => void }) {
  const products = useLoad((signal) => api<Product[]>("GET", "/finance/products", { signal }), []);
  const [form, setForm] = useState<ApplicationForm>(EMPTY);
  const [key, setKey] = useState(newIdempotencyKey);
  const sent = useSubmit();
  const errors = fieldErrors(sent.error, lang.value);
  const fen = fenFromWan(form.amount);
  const months = monthsFrom(form.term);
  const send = sent.submit(async () => {
    const made = await api<Application>("POST", `/finance/organisations/${orgId}/applications`, { body: applicationBody(form), idempotencyKey: key });
    setKey(newIdempotencyKey());
    setForm(EMPTY);
    onDone();
    return lt("ln.applied", { id: made.id ?? "" });
  });
  const set = (patch: Partial<ApplicationForm>): void => setForm({ ...form, ...patch });
  const toggle = (id: number, on: boolean): void => set({ productIds: on ? [...form.productIds, id] : form.productIds.filter((x) => x !== id) });
  return (
    <Section title={lt("ln.apply")}>
      <form class="form" onSubmit={send}>
        <label class="field" for="apply-type">
          <span>{lt("ln.projectType")}</span>
          <select id="apply-type" value={form.projectType} onChange={(e) => set({ projectType: e.currentTarget.value, productIds: [] })} {...invalid("project_type", errors)}>
            {PROJECT_TYPES.map((t) => (
              <option key={t} value={t}>
                {typeName(t)}
              </option>
            ))}
          </select>
          <FieldError name="project_type" errors={errors} />
        </label>
        <Field id="apply-amount" label={lt("ln.amount")} field="amount_fen" value={form.amount} onInput={(v) => set({ amount: v })} errors={errors} extra={{ inputMode: "decimal", placeholder: "200" }} />
        <Field id="apply-term" label={lt("ln.termMonths")} field="term_months" value={form.term} onInput={(v) => set({ term: v })} errors={errors} extra={{ inputMode: "numeric", placeholder: "36" }} />
        <label class="field" for="apply-description">
          <span>{lt("ln.description")}</span>
          <textarea id="apply-description" maxLength={2000} value={form.description} onInput={(e) => set({ description: e.currentTarget.value })} {...invalid("description", errors)} />
          <FieldError name="description" errors={errors} />
        </label>
        <Field id="apply-taxonomy" label={lt("ln.taxonomy")} field="taxonomy_code" value={form.taxonomyCode} onInput={(v) => set({ taxonomyCode: v })} errors={errors} extra={{ placeholder: "3.2.2" }} />
        <Field id="apply-project" label={lt("ln.registryProject")} field="registry_project_id" value={form.registryProjectId} onInput={(v) => set({ registryProjectId: v })} errors={errors} extra={{ inputMode: "numeric" }} />
        <States load={products}>
          {(list) => {
            const open = list.filter((p) => p.institution_id !== own && eligible(p, form.projectType, fen, months));
            if (open.length === 0) return <p class="hint">{lt("ln.noEligible")}</p>;
            return (
              <fieldset class="choices" {...invalid("product_ids", errors)}>
                <legend>{lt("ln.choose")}</legend>
                {open.map((p) => (
                  <label key={p.id} class="field check">
                    <input type="checkbox" checked={form.productIds.includes(p.id!)} onChange={(e) => toggle(p.id!, e.currentTarget.checked)} />
                    <span>
                      {productName(p)} <span class="hint">{p.institution_name}</span>
                    </span>
                  </label>
                ))}
                <FieldError name="product_ids" errors={errors} />
              </fieldset>
            );
          }}
        </States>
        <FormEnd sent={sent} errors={errors} label={lt("ln.applyButton")} testId="applied" />
      </form>
    </Section>
  );
}

function Mine({ orgId, admin, version, onChange }: { orgId: number; admin: boolean; version: number; onChange: () => void }) {
  const mine = useLoad((signal) => api<Application[]>("GET", `/finance/organisations/${orgId}/applications`, { signal }), [orgId, version]);
  return (
    <Section title={lt("ln.myApplications")}>
      <Applications load={mine} empty={lt("ln.noApplications")} actor="applicant" admin={admin} onChange={onChange} testId="my-applications" />
    </Section>
  );
}

const STATES: LegState[] = ["applied", "under_review", "approved", "disbursed", "declined", "withdrawn"];

function Inbox({ participantId, admin, version, onChange }: { participantId: number; admin: boolean; version: number; onChange: () => void }) {
  const [state, setState] = useState<string>("");
  const inbox = useLoad(
    (signal) => api<Application[]>("GET", `/finance/participants/${participantId}/applications${state ? `?state=${state}` : ""}`, { signal }),
    [participantId, version, state],
  );
  return (
    <Section title={lt("ln.inbox")}>
      <label class="field" for="inbox-state">
        <span>{lt("ln.filter")}</span>
        <select id="inbox-state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="">{lt("ln.all")}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {lt(`ln.leg.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <Applications load={inbox} empty={lt("ln.inboxEmpty")} actor="institution" admin={admin} onChange={onChange} testId="inbox" />
    </Section>
  );
}

function Applications(props: { load: Loaded<Application[]>; empty: string; actor: Actor; admin: boolean; onChange: () => void; testId: string }) {
  const l = lang.value;
  return (
    <States load={props.load} empty={(d) => d.length === 0} emptyTitle={props.empty}>
      {(list) => (
        <ul class="list" data-testid={props.testId}>
          {list.map((a) => (
            <li key={a.id} class="endpoint">
              <p class="list-title">
                #{a.id} {props.actor === "institution" ? a.organisation_name : ""}
              </p>
              <p>{lt("ln.applicationLine", { amount: yuan(a.amount_fen ?? 0, l), months: a.term_months ?? 0, type: typeName(a.project_type ?? "other") })}</p>
              <p class="hint">
                {a.description} {a.taxonomy_code ? `· ${a.taxonomy_code}` : ""}
              </p>
              {(a.legs ?? []).map((leg) => (
                <LegView key={leg.id} app={a} leg={leg} actor={props.actor} admin={props.admin} onChange={props.onChange} />
              ))}
            </li>
          ))}
        </ul>
      )}
    </States>
  );
}

function LegView({ app, leg, actor, admin, onChange }: { app: Application; leg: Leg; actor: Actor; admin: boolean; onChange: () => void }) {
  const l = lang.value;
  const steps = admin ? nextSteps(leg.state).filter((s) => s.by === actor) : [];
  const move = async (body: Record<string, unknown>): Promise<void> => {
    await api("POST", `/finance/applications/${app.id}/legs/${leg.id}/transitions`, { body });
    onChange();
  };
  return (
    <div class="card" data-testid={`leg-${leg.id}`}>
      <p>
        {l === "zh" ? leg.product_name_zh : leg.product_name_en} · {leg.institution_name} <LegBadge state={leg.state} />
      </p>
      {leg.approved_fen != null && <p>{lt("ln.approvedAmount", { amount: yuan(leg.approved_fen, l) })}</p>}
      {leg.disbursed_fen != null && <p>{lt("ln.disbursedAmount", { amount: yuan(leg.disbursed_fen, l), on: formatDate(leg.disbursed_on ?? "", l) })}</p>}
      {leg.decline_reason && <p>{lt("ln.declineReason", { reason: leg.decline_reason })}</p>}
      <details>
        <summary>{lt("ln.trail")}</summary>
        <ul class="list">
          {(leg.steps ?? []).map((s) => (
            <li key={s.id} class="hint">
              {lt("ln.stepLine", { at: formatDateTime(s.at ?? "", l), from: s.from_state ? lt(`ln.leg.${s.from_state}`) : lt("ln.created.leg"), to: lt(`ln.leg.${s.to_state ?? "applied"}`) })}
              {s.amount_fen != null ? ` · ${yuan(s.amount_fen, l)}` : ""}
              {s.reason ? ` · ${s.reason}` : ""}
            </li>
          ))}
        </ul>
      </details>
      {steps.map((s) => (
        <StepAction key={s.to} to={s.to} leg={leg} move={move} />
      ))}
    </div>
  );
}

function StepAction({ to, leg, move }: { to: Exclude<LegState, "applied">; leg: Leg; move: (body: Record<string, unknown>) => Promise<void> }) {
  const l = lang.value;
  const ceiling = to === "approved" ? leg.applied_fen : leg.approved_fen;
  const [amount, setAmount] = useState(wanFromFen(ceiling));
  const [on, setOn] = useState(chinaToday());
  const [error, setError] = useState<unknown>(undefined);
  const errors = fieldErrors(error, l);
  const guarded = async (body: Record<string, unknown>): Promise<void> => {
    try {
      await move(body);
      setError(undefined);
    } catch (e) {
      setError(e);
      throw e;
    }
  };
  const id = `${to}-${leg.id}`;
  if (to === "declined") return <WithReason label={lt("ln.to.declined")} yes={lt("ln.to.declined")} testId={`decline-${leg.id}`} onConfirm={(reason) => guarded({ to, reason })} />;
  if (to === "under_review" || to === "withdrawn") {
    return (
      <Confirmed label={lt(`ln.to.${to}`)} title={lt(`ln.to.${to}Title`)} yes={lt(`ln.to.${to}`)} danger={to === "withdrawn"} testId={id} onConfirm={() => guarded({ to })}>
        <p>{lt(`ln.to.${to}Text`)}</p>
      </Confirmed>
    );
  }
  const fen = fenFromWan(amount);
  const words = yuan(fen ?? 0, l);
  return (
    <div class="form">
      <Field id={`amount-${id}`} label={lt("ln.amountWan")} field="amount_fen" value={amount} onInput={setAmount} errors={errors} extra={{ inputMode: "decimal" }} />
      {to === "disbursed" && (
        <label class="field" for={`on-${id}`}>
          <span>{lt("ln.disbursedOn")}</span>
          <input id={`on-${id}`} type="date" value={on} max={chinaToday()} onInput={(e) => setOn(e.currentTarget.value)} {...invalid("disbursed_on", errors)} />
          <FieldError name="disbursed_on" errors={errors} />
        </label>
      )}
      <Confirmed
        label={lt(`ln.to.${to}`)}
        title={lt(`ln.to.${to}Title`, { amount: words })}
        yes={lt(`ln.to.${to}`)}
        disabled={fen === null}
        testId={id}
        onConfirm={() => guarded(to === "disbursed" ? { to, amount_fen: fen, disbursed_on: on } : { to, amount_fen: fen })}
      >
        <p>{lt(`ln.to.${to}Text`)}</p>
      </Confirmed>
    </div>
  );
}
