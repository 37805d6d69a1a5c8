// How to pay, chosen before the order is placed: the ways this client is offered, the person's
// last choice (or the recommended one) preselected, any other a tap away. Hidden when there is
// only one way; the order then goes to the default rail.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../api/client";
import { lang, t } from "../i18n";
import { keyOf, lastChoice, options, preselect, rememberChoice, type Choice, type Rails } from "../payment";
import { ErrorBox } from "./status";
import { useLoad } from "./useLoad";

export function PaymentChooser({ onChange }: { onChange: (c: Choice | undefined) => void }) {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<Rails>("GET", "/payments/rails", { signal }),
    [],
  );
  const l = lang.value;
  const offered = useMemo(() => (data ? options(data, l) : []), [data, l]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const recommended = data?.recommended ? keyOf(data.recommended as Choice) : undefined;
  const chosen = offered.find((o) => o.key === picked) ?? preselect(offered, data?.recommended as Choice, lastChoice());

  useEffect(() => onChange(chosen && { provider: chosen.provider, channel: chosen.channel }), [chosen?.key]);

  if (loading) return <p class="hint" role="status">{t("pay.loading")}</p>;
  // Without the list the order still goes to the default rail: say so, and offer a retry.
  if (error !== undefined) {
    return (
      <div class="pay-chooser">
        <p class="hint">{t("pay.loadFailed")}</p>
        <ErrorBox error={error} onRetry={reload} />
      </div>
    );
  }
  if (offered.length <= 1) return null;

  function pick(key: string): void {
    setPicked(key);
    const o = offered.find((x) => x.key === key);
    if (o) rememberChoice(o);
  }

  return (
    <fieldset class="pay-chooser" data-testid="payment-chooser">
      <legend>{t("pay.title")}</legend>
      {offered.map((o) => (
        <label key={o.key} class="field check pay-option">
          <input
            type="radio"
            name="payment"
            value={o.key}
            checked={o.key === chosen?.key}
            onChange={() => pick(o.key)}
          />
          <span>
            <strong>{o.label}</strong>
            {o.detail && <span class="pay-detail"> · {o.detail}</span>}
            {o.key === recommended && <span class="badge">{t("pay.recommended")}</span>}
          </span>
        </label>
      ))}
      {chosen?.sandbox && <p class="hint">{t("pay.sandboxHint")}</p>}
    </fieldset>
  );
}
