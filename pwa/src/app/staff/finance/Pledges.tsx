// The organisation's 绿色金融 › 碳资产质押 section (a lazy chunk). A holder pledges tonnes of a
// holding to a financial institution (chosen from GET /finance/institutions) after a
// confirmation naming the loan, and follows its pledges (withdrawing one not yet registered); an
// institution sees the pledges to it and registers or declines (with a reason) a request,
// releases a registered pledge or enforces it on default (with a reason), each confirmed first.
// Any member sees them; only admins act (the API's rule).
import { useEffect, useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../../api/client";
import type { RegistryHolding } from "../../api/types";
import { Empty } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { Section, States } from "../ui";
import { Badge, Confirmed, Field, projectName, tonnes, useAccountDesk, yuan } from "../registry/shared";
import { bpsFromPercent } from "./lendForms";
import { percentOf, pledgeActions, pledgeBody, type Institution, type Pledge, type PledgeForm, type PledgeState, type PledgeStep, transitionBody } from "./pledgeForms";
import { pt } from "./pledgeMessages";
import { fenFromYuan } from "../sponsorForms";
import { tonnesFrom } from "../registry/forms";

type Props = { participantId: number; admin: boolean; version: number; onChange: () => void };

export function Desk({ path }: { path: string }) {
  const { orgId, account, version, bump, admin } = useAccountDesk(path);
  return (
    <States load={account}>
      {({ a }) => {
        if (!a) {
          return (
            <>
              <Empty title={pt("pl.noAccount")} />
              <p class="center">
                <a href={`/org/${orgId}?tab=registry`}>{pt("pl.toRegistry")}</a>
              </p>
            </>
          );
        }
        const roles = a.roles ?? [];
        const lender = roles.includes("financial_institution");
        const holder = roles.some((r) => r !== "financial_institution");
        const props = { participantId: a.id!, admin, version, onChange: bump };
        return (
          <>
            {!admin && <p class="hint">{pt("pl.membersOnly")}</p>}
            {lender && <ToUs {...props} />}
            {holder && <Holdings {...props} />}
            {holder && <Ours {...props} />}
          </>
        );
      }}
    </States>
  );
}

const stateTone = (s: PledgeState | undefined): "ok" | "wait" | "no" =>
  s === "registered" || s === "released" ? "ok" : s === "requested" ? "wait" : "no";

function Holdings({ participantId, admin, version, onChange }: Props) {
  const held = useLoad((signal) => api<RegistryHolding[]>("GET", `/registry/participants/${participantId}/holdings`, { signal }), [participantId, version]);
  const banks = useLoad((signal) => api<Institution[]>("GET", "/finance/institutions", { signal }), []);
  const [open, setOpen] = useState<number | null>(null);
  const l = lang.value;
  return (
    <Section title={pt("pl.holdings")}>
      <States load={held} empty={(d) => d.length === 0} emptyTitle={pt("pl.noHoldings")}>
        {(list) => (
          <ul class="list" data-testid="pledge-holdings">
            {list.map((h) => (
              <li key={h.id} class="endpoint">
                <p class="list-title">{projectName(h, l)}</p>
                <p>{pt("pl.holding", { standard: h.standard ?? "", vintage: String(h.vintage), tonnes: tonnes(h.tonnes!, l) })}</p>
                {admin && open !== h.id && (
                  <button class="button secondary" type="button" onClick={() => setOpen(h.id!)}>
                    {pt("pl.pledge")}
                  </button>
                )}
                {open === h.id && (
                  <States load={banks} empty={(d) => d.filter((b) => b.participant_id !== participantId).length === 0} emptyTitle={pt("pl.noInstitutions")}>
                    {(all) => (
                      <PledgeFormView
                        holding={h}
                        banks={all.filter((b) => b.participant_id !== participantId)}
                        onDone={() => {
                          setOpen(null);
                          onChange();
                        }}
                      />
                    )}
                  </States>
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

function PledgeFormView({ holding, banks, onDone }: { holding: RegistryHolding; banks: Institution[]; onDone: () => void }) {
  const [form, setForm] = useState<PledgeForm>({ pledgeeId: "", tonnes: "", loan: "", rate: "", term: "12", reference: "", disclose: false });
  const [error, setError] = useState<unknown>(undefined);
  // One key per pledge, kept across retries of it (a repeated request freezes nothing more);
  // a changed form is another pledge.
  const [key, setKey] = useState(newIdempotencyKey);
  useEffect(() => setKey(newIdempotencyKey()), [form]);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const n = tonnesFrom(form.tonnes);
  const fen = fenFromYuan(form.loan);
  const bps = bpsFromPercent(form.rate);
  const term = tonnesFrom(form.term);
  const bank = banks.find((b) => String(b.participant_id) === form.pledgeeId);
  const send = async (): Promise<void> => {
    try {
      await api("POST", `/finance/holdings/${holding.id}/pledges`, { body: pledgeBody(form), idempotencyKey: key });
    } catch (e) {
      setError(e);
      throw e;
    }
    setKey(newIdempotencyKey());
    onDone();
  };
  const field = (key: "tonnes" | "loan" | "rate" | "term" | "reference", name: string, label: string, extra: Record<string, unknown> = {}) => (
    <Field id={`pledge-${key}-${holding.id}`} label={label} field={name} value={form[key]} onInput={(v) => setForm({ ...form, [key]: v })} errors={errors} extra={extra} />
  );
  const selectId = `pledge-bank-${holding.id}`;
  return (
    <div class="form">
      <label class="field" for={selectId}>
        <span>{pt("pl.pledgee")}</span>
        <select id={selectId} value={form.pledgeeId} onChange={(e) => setForm({ ...form, pledgeeId: e.currentTarget.value })}>
          <option value="">{pt("pl.choose")}</option>
          {banks.map((b) => (
            <option key={b.participant_id} value={String(b.participant_id)}>
              {b.name}
            </option>
          ))}
        </select>
        {errors.pledgee_id && <span class="field-error">{errors.pledgee_id}</span>}
      </label>
      {field("tonnes", "tonnes", pt("pl.tonnes"), { inputMode: "numeric" })}
      {field("loan", "loan_amount_fen", pt("pl.loan"), { inputMode: "decimal" })}
      {field("rate", "annual_rate_bps", pt("pl.rate"), { inputMode: "decimal", placeholder: "3.45" })}
      {field("term", "term_months", pt("pl.term"), { inputMode: "numeric" })}
      {field("reference", "loan_reference", pt("pl.reference"), { maxLength: 64 })}
      <label class="field check">
        <input type="checkbox" checked={form.disclose} onChange={(e) => setForm({ ...form, disclose: e.currentTarget.checked })} />
        <span>{pt("pl.disclose")}</span>
      </label>
      <Confirmed
        label={pt("pl.review")}
        title={pt("pl.confirm", { tonnes: n ? tonnes(n, l) : "" })}
        yes={pt("pl.yes")}
        disabled={!n || fen === null || bps === null || !term || !bank}
        testId="pledge"
        onConfirm={send}
      >
        <p>
          {pt("pl.confirmText", {
            project: projectName(holding, l),
            vintage: String(holding.vintage),
            tonnes: tonnes(n ?? 0, l),
            pledgee: bank?.name ?? "",
            amount: yuan(fen ?? 0, l),
            rate: percentOf(bps ?? 0),
            term: String(term ?? 0),
          })}
        </p>
      </Confirmed>
    </div>
  );
}

function usePledges(participantId: number, version: number) {
  return useLoad((signal) => api<Pledge[]>("GET", `/finance/participants/${participantId}/pledges`, { signal }), [participantId, version]);
}

function Ours(props: Props) {
  const all = usePledges(props.participantId, props.version);
  return (
    <Section title={pt("pl.mine")}>
      <States load={all} empty={(d) => !d.some((p) => p.pledgor_id === props.participantId)} emptyTitle={pt("pl.noMine")}>
        {(list) => <PledgeList list={list.filter((p) => p.pledgor_id === props.participantId)} asPledgee={false} testId="my-pledges" {...props} />}
      </States>
    </Section>
  );
}

function ToUs(props: Props) {
  const all = usePledges(props.participantId, props.version);
  return (
    <Section title={pt("pl.toMe")}>
      <States load={all} empty={(d) => !d.some((p) => p.pledgee_id === props.participantId)} emptyTitle={pt("pl.noToMe")}>
        {(list) => <PledgeList list={list.filter((p) => p.pledgee_id === props.participantId)} asPledgee testId="pledges-to-us" {...props} />}
      </States>
    </Section>
  );
}

function PledgeList({ list, asPledgee, admin, onChange, testId }: Props & { list: Pledge[]; asPledgee: boolean; testId: string }) {
  const l = lang.value;
  return (
    <ul class="list" data-testid={testId}>
      {list.map((p) => (
        <li key={p.id} class="endpoint" data-testid={`pledge-${p.id}`}>
          <p class="registry-row">
            <Badge text={pt(`pl.state.${p.state!}`)} tone={stateTone(p.state)} />
            <span>
              {pt("pl.line", { project: projectName(p, l), tonnes: tonnes(p.tonnes!, l), pledgor: p.pledgor_name ?? "", pledgee: p.pledgee_name ?? "" })}
            </span>
          </p>
          <p>{pt("pl.loanLine", { amount: yuan(p.loan_amount_fen!, l), rate: percentOf(p.annual_rate_bps!), term: String(p.term_months) })}</p>
          <p class="hint mono">{pt("pl.serials", { serials: p.serial_range ?? "" })}</p>
          {p.reference && <p>{pt("pl.ref", { reference: p.reference })}</p>}
          {p.reason && <p class="hint">{pt("pl.reasonLine", { reason: p.reason })}</p>}
          {admin && pledgeActions(p.state, asPledgee).map((to) => <Action key={to} pledge={p} to={to} onDone={onChange} />)}
        </li>
      ))}
    </ul>
  );
}

type WithReason = "declined" | "enforced";
const needsReason = (to: PledgeStep): to is WithReason => to === "declined" || to === "enforced";

function Action({ pledge, to, onDone }: { pledge: Pledge; to: PledgeStep; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [sale, setSale] = useState({ counterparty: "", price: "" });
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const go = async (): Promise<void> => {
    try {
      await api("POST", `/finance/pledges/${pledge.id}/transitions`, { body: transitionBody(to, reason, sale.counterparty, sale.price) });
    } catch (e) {
      setError(e);
      throw e;
    }
    onDone();
  };
  const testId = `pledge-${to}-${pledge.id}`;
  const vars = { tonnes: tonnes(pledge.tonnes!, l), reason: reason.trim() };
  const danger = to !== "registered";
  if (!needsReason(to)) {
    return (
      <Confirmed label={pt(`pl.do.${to}`)} title={pt(`pl.ask.${to}`)} yes={pt(`pl.do.${to}`)} danger={danger} testId={testId} onConfirm={go}>
        <p>{pt(`pl.text.${to}`, vars)}</p>
      </Confirmed>
    );
  }
  if (!open) {
    return (
      <button class="button secondary" type="button" onClick={() => setOpen(true)} data-testid={testId}>
        {pt(`pl.do.${to}`)}
      </button>
    );
  }
  const id = `reason-${testId}`;
  return (
    <div class="form">
      <label class="field" for={id}>
        <span>{pt(`pl.reasonLabel.${to}`)}</span>
        <textarea id={id} maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {to === "enforced" && (
        <>
          <p class="hint">{pt("pl.saleHint")}</p>
          <Field id={`${id}-buyer`} label={pt("pl.saleBuyer")} field="counterparty_id" value={sale.counterparty} onInput={(v) => setSale({ ...sale, counterparty: v })} errors={errors} extra={{ inputMode: "numeric" }} />
          <Field id={`${id}-price`} label={pt("pl.salePrice")} field="price_fen_per_t" value={sale.price} onInput={(v) => setSale({ ...sale, price: v })} errors={errors} extra={{ inputMode: "decimal" }} />
        </>
      )}
      <Confirmed label={pt(`pl.do.${to}`)} title={pt(`pl.ask.${to}`)} yes={pt(`pl.do.${to}`)} danger disabled={!reason.trim()} testId={`${testId}-yes`} onConfirm={go}>
        <p>{pt(`pl.text.${to}`, vars)}</p>
      </Confirmed>
      <button class="button secondary" type="button" onClick={() => setOpen(false)}>
        {pt("pl.dismiss")}
      </button>
    </div>
  );
}

