// An organisation's exchange account: opened by its admin (USCC, legal representative, contact,
// roles, the market documents accepted), then its holdings, with an offer to sell into 点点's
// retirement inventory (asked before sending), and its offers.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { InventoryOffer, MarketDocument, RegistryHolding, RegistryParticipant } from "../../api/types";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { fenFromYuan } from "../sponsorForms";
import { CheckboxSet, FieldError, FormEnd, Section, States, invalid, useSubmit } from "../ui";
import { PARTICIPANT_ROLES, participantBody, tonnesFrom, type ParticipantForm, type ParticipantRole } from "./forms";
import { rt } from "./messages";
import { Badge, Confirmed, Field, projectName, stateTone, tonnes, yuan } from "./shared";

export function OpenAccount({ orgId, onDone }: { orgId: number; onDone: () => void }) {
  const docs = useLoad((signal) => api<MarketDocument[]>("GET", "/registry/market-documents", { signal }), []);
  const [form, setForm] = useState<ParticipantForm>({ uscc: "", legal: "", contact: "", phone: "", roles: new Set(["project_owner"]) });
  const [accepted, setAccepted] = useState(false);
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const set = (patch: Partial<ParticipantForm>): void => setForm({ ...form, ...patch });
  const open = sent.submit(async () => {
    const accept = accepted ? (docs.data ?? []).map((d) => ({ document: d.code!, version: d.version! })) : [];
    await api("POST", "/registry/participants", { body: participantBody(orgId, form, accept) });
    onDone();
    return rt("rg.opened");
  });
  const text = (key: "uscc" | "legal" | "contact" | "phone", field: string, label: string, extra = {}) => (
    <Field id={`acct-${key}`} label={label} field={field} value={form[key]} onInput={(v) => set({ [key]: v })} errors={errors} extra={extra} />
  );
  return (
    <form class="card form" onSubmit={open}>
      <h2>{rt("rg.open")}</h2>
      <p class="hint">{rt("rg.openHint")}</p>
      {text("uscc", "uscc", rt("rg.uscc"), { maxLength: 18, autocomplete: "off", placeholder: "91510100MA61234567" })}
      {text("legal", "legal_representative", rt("rg.legal"), { maxLength: 100 })}
      {text("contact", "contact_name", rt("rg.contact"), { maxLength: 100, autocomplete: "name" })}
      {text("phone", "contact_phone", rt("rg.contactPhone"), { inputMode: "tel", autocomplete: "tel" })}
      <CheckboxSet<ParticipantRole>
        name="roles"
        legend={rt("rg.roles")}
        options={PARTICIPANT_ROLES}
        selected={form.roles as Set<ParticipantRole>}
        onChange={(roles) => set({ roles })}
        label={(r) => rt(`rg.role.${r}`)}
        errors={errors}
      />
      <States load={docs}>
        {(list) => (
          <fieldset class="choices" {...invalid("accept", errors)}>
            <legend>{rt("rg.accept")}</legend>
            <ul>
              {list.map((d) => (
                <li key={d.code}>{rt("rg.docVersion", { title: l === "zh" ? d.title_zh! : d.title_en!, version: d.version! })}</li>
              ))}
            </ul>
            <label class="field check">
              <input type="checkbox" checked={accepted} onChange={(e) => setAccepted(e.currentTarget.checked)} data-testid="accept-documents" />
              <span>{rt("rg.accept")}</span>
            </label>
            <FieldError name="accept" errors={errors} />
          </fieldset>
        )}
      </States>
      <FormEnd sent={sent} errors={errors} label={rt("rg.openButton")} />
    </form>
  );
}

export function AccountCard({ account }: { account: RegistryParticipant }) {
  const l = lang.value;
  return (
    <Section title={rt("rg.account")}>
      <p class="list-title">{account.organisation_name}</p>
      <p class="mono">{account.uscc}</p>
      <p class="registry-row">
        {(account.roles ?? []).map((r) => (
          <Badge key={r} text={rt(`rg.role.${r}`)} />
        ))}
      </p>
      <p class="hint">
        {rt("rg.legal")}：{account.legal_representative} · {rt("rg.contact")}：{account.contact_name} ·{" "}
        {rt("rg.phone", { phone: account.contact_phone ?? account.contact_phone_masked ?? "" })}
      </p>
      <p class="hint">{rt("rg.openedAt", { at: formatDateTime(account.opened_at!, l) })}</p>
    </Section>
  );
}

export function Holdings({ participantId, admin, onOffered }: { participantId: number; admin: boolean; onOffered: () => void }) {
  const held = useLoad((signal) => api<RegistryHolding[]>("GET", `/registry/participants/${participantId}/holdings`, { signal }), [participantId]);
  const [offering, setOffering] = useState<number | null>(null);
  const l = lang.value;
  return (
    <Section title={rt("rg.holdings")}>
      <States load={held} empty={(d) => d.length === 0} emptyTitle={rt("rg.noHoldings")}>
        {(list) => (
          <ul class="list" data-testid="holdings">
            {list.map((h) => (
              <li key={h.id} class="endpoint">
                <p class="list-title">{projectName(h, l)}</p>
                <p>{rt("rg.holding", { vintage: String(h.vintage), tonnes: tonnes(h.tonnes!, l) })}</p>
                <p class="mono hint">{h.serial_range}</p>
                {admin && offering !== h.id && (
                  <button class="button secondary" type="button" onClick={() => setOffering(h.id!)}>
                    {rt("rg.offer")}
                  </button>
                )}
                {offering === h.id && (
                  <OfferForm
                    holding={h}
                    onDone={() => {
                      setOffering(null);
                      held.reload();
                      onOffered();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

function OfferForm({ holding, onDone }: { holding: RegistryHolding; onDone: () => void }) {
  const [t, setT] = useState(String(holding.tonnes));
  const [price, setPrice] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const n = tonnesFrom(t);
  const fen = fenFromYuan(price);
  const send = async (): Promise<void> => {
    try {
      await api("POST", `/registry/holdings/${holding.id}/offers`, { body: { tonnes: n, price_fen_per_t: fen } });
      onDone();
    } catch (e) {
      setError(e);
      throw e;
    }
  };
  return (
    <div class="form">
      <p class="hint">{rt("rg.offerHint")}</p>
      <Field id={`offer-t-${holding.id}`} label={rt("rg.offerTonnes")} field="tonnes" value={t} onInput={setT} errors={errors} extra={{ inputMode: "numeric" }} />
      <Field id={`offer-p-${holding.id}`} label={rt("rg.offerPrice")} field="price_fen_per_t" value={price} onInput={setPrice} errors={errors} extra={{ inputMode: "decimal", placeholder: "45.00" }} />
      <Confirmed
        label={rt("rg.offerReview")}
        title={rt("rg.offerConfirm", { tonnes: n ? tonnes(n, l) : "" })}
        yes={rt("rg.offerYes")}
        disabled={!n || fen === null}
        testId="offer"
        onConfirm={send}
      >
        <p>
          {rt("rg.offerConfirmText", {
            project: projectName(holding, l),
            vintage: String(holding.vintage),
            price: yuan(fen ?? 0, l),
            total: yuan((fen ?? 0) * (n ?? 0), l),
          })}
        </p>
      </Confirmed>
    </div>
  );
}

export function Offers({ participantId, admin, version }: { participantId: number; admin: boolean; version: number }) {
  const offers = useLoad((signal) => api<InventoryOffer[]>("GET", `/registry/participants/${participantId}/offers`, { signal }), [participantId, version]);
  const l = lang.value;
  return (
    <Section title={rt("rg.offers")}>
      <States load={offers} empty={(d) => d.length === 0} emptyTitle={rt("rg.noOffers")}>
        {(list) => (
          <ul class="list" data-testid="offers">
            {list.map((o) => (
              <li key={o.id} class="endpoint">
                <p class="registry-row">
                  <Badge text={rt(`rg.offer.${o.state!}`)} tone={stateTone(o.state)} />
                  <span>
                    {rt("rg.offerLine", { project: projectName(o, l), vintage: String(o.vintage), tonnes: tonnes(o.tonnes!, l), price: yuan(o.price_fen_per_t!, l) })}
                  </span>
                </p>
                {o.reason && <p class="hint">{rt("rg.reason", { reason: o.reason })}</p>}
                {admin && o.state === "open" && (
                  <Confirmed label={rt("rg.withdraw")} title={rt("rg.withdrawConfirm")} yes={rt("rg.withdrawYes")} danger onConfirm={async () => {
                    await api("POST", `/registry/offers/${o.id}/closure`, { body: { reason: null } });
                    offers.reload();
                  }} />
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}
