// 大宗交易 and 协议转让, kept plain: propose one to a named counterparty (asked first); the
// account's deals, both sides, newest first (`GET /market/participants/{id}/deals`), each open one
// withdrawn by its proposer or accepted or declined by the other side from the list (asked first);
// and a counterparty's proposal answered by its number too.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import type { RegistryHolding } from "../../api/types";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { fenFromYuan } from "../sponsorForms";
import { Section, States } from "../ui";
import { tonnesFrom } from "../registry/forms";
import { Badge, Confirmed, Field, stateTone, tonnes, yuan } from "../registry/shared";
import { actions, dealBody, type DealForm, type DealLine } from "./forms";
import { mt } from "./messages";

type Deal = components["schemas"]["Deal"];
type Mode = DealForm["mode"];
type To = components["schemas"]["DealTransition"]["to"];
const path = (mode: Mode): string => (mode === "block" ? "block-trades" : "agreements");

export function Deals({ participantId, version, onChange }: { participantId: number; version: number; onChange: () => void }) {
  const list = useLoad((signal) => api<DealLine[]>("GET", `/market/participants/${participantId}/deals`, { signal }), [participantId, version]);
  const l = lang.value;
  return (
    <Section title={mt("mk.deals")}>
      <p class="hint">{mt("mk.dealsHint")}</p>
      <Propose participantId={participantId} onDone={onChange} />
      <h3>{mt("mk.myDeals")}</h3>
      <States load={list} empty={(d) => d.length === 0} emptyTitle={mt("mk.noDealList")}>
        {(deals) => (
          <ul class="list" data-testid="deals">
            {deals.map((d) => (
              <li key={`${d.mode}-${d.id}`} class="endpoint">
                <p class="registry-row">
                  <Badge text={mt(`mk.state.${d.state!}`)} tone={stateTone(d.state === "settled" ? "accepted" : d.state)} />
                  <span>
                    {mt("mk.dealLine", {
                      id: String(d.id),
                      mode: mt(`mk.mode.${d.mode!}`),
                      side: mt(d.side === "seller" ? "mk.seller" : "mk.buyer"),
                      counterparty: d.counterparty_name ?? "",
                      tonnes: tonnes(d.quantity_t!, l),
                      price: yuan(d.price_fen_per_t!, l),
                    })}
                  </span>
                </p>
                {d.trade_number && <p class="mono hint">{d.trade_number}</p>}
                <div class="actions">
                  {actions(d).map((to) => (
                    <Act key={to} mode={d.mode as Mode} id={d.id!} to={to} testId={`deal-row-${to}-${d.id}`} onDone={onChange} />
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </States>
      <Respond onDone={onChange} />
    </Section>
  );
}

function Propose({ participantId, onDone }: { participantId: number; onDone: () => void }) {
  const held = useLoad((signal) => api<RegistryHolding[]>("GET", `/registry/participants/${participantId}/holdings`, { signal }), [participantId]);
  const [form, setForm] = useState<DealForm>({ mode: "block", side: "seller", counterparty: "", holdingId: "", issuanceId: "", tonnes: "", price: "", contract: "" });
  const [error, setError] = useState<unknown>(undefined);
  const [sent, setSent] = useState("");
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const set = (patch: Partial<DealForm>): void => setForm({ ...form, ...patch });
  const n = tonnesFrom(form.tonnes);
  const fen = fenFromYuan(form.price);
  const send = async (): Promise<void> => {
    let d: Deal;
    try {
      d = await api<Deal>("POST", `/market/${path(form.mode)}`, { body: dealBody(participantId, form) });
    } catch (e) {
      setError(e);
      throw e;
    }
    setError(undefined);
    setSent(mt("mk.dealSent", { id: String(d.id) }));
    onDone();
  };
  const text = (key: keyof DealForm, field: string, label: string, extra: Record<string, unknown> = {}) => (
    <Field id={`deal-${key}`} label={label} field={field} value={form[key]} onInput={(v) => set({ [key]: v })} errors={errors} extra={extra} />
  );
  return (
    <div class="form">
      <label class="field" for="deal-mode">
        <span>{mt("mk.dealMode")}</span>
        <select id="deal-mode" value={form.mode} onChange={(e) => set({ mode: e.currentTarget.value as Mode })}>
          <option value="block">{mt("mk.mode.block")}</option>
          <option value="agreement">{mt("mk.mode.agreement")}</option>
        </select>
      </label>
      <label class="field" for="deal-side">
        <span>{mt("mk.dealSide")}</span>
        <select id="deal-side" value={form.side} onChange={(e) => set({ side: e.currentTarget.value as DealForm["side"] })}>
          <option value="seller">{mt("mk.seller")}</option>
          <option value="buyer">{mt("mk.buyer")}</option>
        </select>
      </label>
      {text("counterparty", "counterparty_id", mt("mk.counterparty"), { inputMode: "numeric" })}
      {form.side === "seller" ? (
        <label class="field" for="deal-holding">
          <span>{mt("mk.dealHolding")}</span>
          <select id="deal-holding" value={form.holdingId} onChange={(e) => set({ holdingId: e.currentTarget.value })}>
            <option value="" />
            {(held.data ?? []).map((h) => (
              <option key={h.id} value={String(h.id)}>
                {mt("mk.holding", { standard: h.standard ?? "", vintage: String(h.vintage), tonnes: tonnes(h.tonnes!, l) })}
              </option>
            ))}
          </select>
        </label>
      ) : (
        text("issuanceId", "issuance_id", mt("mk.issuance"), { inputMode: "numeric" })
      )}
      {text("tonnes", "quantity_t", mt("mk.dealTonnes"), { inputMode: "numeric" })}
      {text("price", "price_fen_per_t", mt("mk.listPrice"), { inputMode: "decimal" })}
      {form.mode === "agreement" && text("contract", "contract_reference", mt("mk.contract"), { maxLength: 100 })}
      {sent && (
        <p class="success" role="status">
          {sent}
        </p>
      )}
      <Confirmed label={mt("mk.dealReview")} title={mt("mk.dealConfirm", { mode: mt(`mk.mode.${form.mode}`) })} yes={mt("mk.dealYes")} disabled={!n || fen === null} testId="deal" onConfirm={send}>
        <p>
          {mt("mk.dealText", {
            side: mt(form.side === "seller" ? "mk.seller" : "mk.buyer"),
            counterparty: form.counterparty.trim(),
            tonnes: tonnes(n ?? 0, l),
            price: yuan(fen ?? 0, l),
            total: yuan((n ?? 0) * (fen ?? 0), l),
          })}
        </p>
      </Confirmed>
    </div>
  );
}

function Respond({ onDone }: { onDone: () => void }) {
  const [id, setId] = useState("");
  const [mode, setMode] = useState<Mode>("block");
  const n = /^\s*[1-9]\d{0,9}\s*$/.test(id) ? Number(id) : 0;
  return (
    <div class="form">
      <h3>{mt("mk.respond")}</h3>
      <p class="hint">{mt("mk.respondHint")}</p>
      <label class="field" for="respond-mode">
        <span>{mt("mk.dealKind")}</span>
        <select id="respond-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
          <option value="block">{mt("mk.mode.block")}</option>
          <option value="agreement">{mt("mk.mode.agreement")}</option>
        </select>
      </label>
      <Field id="respond-id" label={mt("mk.dealId")} field="deal_id" value={id} onInput={setId} errors={{}} extra={{ inputMode: "numeric" }} />
      <div class="actions">
        {(["settled", "declined", "withdrawn"] as const).map((to) => (
          <Act key={to} mode={mode} id={n} to={to} testId={`deal-${to}-${n}`} onDone={onDone} />
        ))}
      </div>
    </div>
  );
}

const ACT = {
  settled: ["mk.accept", "mk.acceptConfirm"],
  declined: ["mk.decline", "mk.declineConfirm"],
  withdrawn: ["mk.withdrawDeal", "mk.withdrawDealConfirm"],
} as const;

function Act({ mode, id, to, testId, onDone }: { mode: Mode; id: number; to: To; testId: string; onDone: () => void }) {
  const [label, title] = ACT[to];
  return (
    <Confirmed label={mt(label)} title={mt(title, { id: String(id) })} yes={mt(label)} danger={to !== "settled"} disabled={!id} testId={testId} onConfirm={async () => {
      await api<Deal>("POST", `/market/${path(mode)}/${id}/transitions`, { body: { to } });
      onDone();
    }} />
  );
}
