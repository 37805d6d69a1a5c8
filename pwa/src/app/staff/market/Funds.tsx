// A participant's funds account: balance, frozen and available, the latest entries in words; a
// sandbox deposit by bank reference and a withdrawal (asked first), for its admins. An entry shows
// its change to the balance, or to the frozen amount when it only freezes or releases.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { fenFromYuan } from "../sponsorForms";
import { FormEnd, Section, States, useSubmit } from "../ui";
import { Confirmed, Field, yuan } from "../registry/shared";
import { sandboxAmount, sandboxReference } from "./forms";
import { mt } from "./messages";

type S = components["schemas"];

export interface Props {
  participantId: number;
  admin: boolean;
  version: number;
  onChange: () => void;
}

export function Funds({ participantId, admin, version, onChange }: Props) {
  const funds = useLoad((signal) => api<S["Funds"]>("GET", `/market/participants/${participantId}/funds`, { signal }), [participantId, version]);
  const l = lang.value;
  return (
    <Section title={mt("mk.funds")}>
      <States load={funds}>
        {(f) => (
          <>
            <dl class="facts" data-testid="funds">
              <dt>{mt("mk.balance")}</dt>
              <dd>{yuan(f.balance_fen ?? 0, l)}</dd>
              <dt>{mt("mk.frozen")}</dt>
              <dd>{yuan(f.frozen_fen ?? 0, l)}</dd>
              <dt>{mt("mk.available")}</dt>
              <dd data-testid="available">{yuan(f.available_fen ?? 0, l)}</dd>
            </dl>
            <h3>{mt("mk.entries")}</h3>
            {(f.entries ?? []).length === 0 ? (
              <p class="hint">{mt("mk.noEntries")}</p>
            ) : (
              <ul class="list" data-testid="entries">
                {(f.entries ?? []).map((e) => (
                  <li key={e.id} class="registry-row">
                    <span>{mt(`mk.entry.${e.kind!}`)}</span>
                    <span class="mono">{yuan(e.balance_delta_fen || e.frozen_delta_fen || 0, l)}</span>
                    <span class="hint">{formatDateTime(e.at!, l)}</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </States>
      {admin && <Deposit participantId={participantId} onDone={onChange} />}
      {admin && <Withdraw participantId={participantId} onDone={onChange} />}
    </Section>
  );
}

function Deposit({ participantId, onDone }: { participantId: number; onDone: () => void }) {
  const [reference, setReference] = useState("");
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const example = sandboxReference(participantId, 1_000_000, "1");
  const deposit = sent.submit(async () => {
    const got = await api<S["Deposited"]>("POST", `/market/participants/${participantId}/funds/deposits`, { body: { bank_reference: reference.trim() } });
    onDone();
    const amount = yuan(got.entry?.balance_delta_fen ?? sandboxAmount(participantId, reference) ?? 0, l);
    return got.replayed ? mt("mk.replayed", { amount }) : mt("mk.deposited", { amount });
  });
  return (
    <form class="form" onSubmit={deposit}>
      <h3>{mt("mk.deposit")}</h3>
      <Field id="deposit-ref" label={mt("mk.reference")} field="bank_reference" value={reference} onInput={setReference} errors={errors} extra={{ autocomplete: "off", placeholder: example }} />
      <p class="hint">{mt("mk.referenceHint", { example, amount: yuan(1_000_000, l) })}</p>
      <FormEnd sent={sent} errors={errors} label={mt("mk.depositButton")} testId="deposited" />
    </form>
  );
}

function Withdraw({ participantId, onDone }: { participantId: number; onDone: () => void }) {
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const fen = fenFromYuan(amount);
  const send = async (): Promise<void> => {
    setDone(false);
    try {
      await api("POST", `/market/participants/${participantId}/funds/withdrawals`, { body: { amount_fen: fen } });
    } catch (e) {
      setError(e);
      throw e;
    }
    setError(undefined);
    setAmount("");
    setDone(true);
    onDone();
  };
  const words = yuan(fen ?? 0, l);
  return (
    <div class="form">
      <h3>{mt("mk.withdraw")}</h3>
      <Field id="withdraw-amount" label={mt("mk.amount")} field="amount_fen" value={amount} onInput={setAmount} errors={errors} extra={{ inputMode: "decimal", placeholder: "100.00" }} />
      {done && (
        <p class="success" role="status">
          {mt("mk.withdrawn")}
        </p>
      )}
      <Confirmed label={mt("mk.withdrawReview")} title={mt("mk.withdrawConfirm", { amount: words })} yes={mt("mk.withdrawYes")} danger disabled={fen === null} testId="withdraw" onConfirm={send}>
        <p>{mt("mk.withdrawText", { amount: words })}</p>
      </Confirmed>
    </div>
  );
}
