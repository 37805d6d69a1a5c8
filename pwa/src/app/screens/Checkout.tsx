// Checkout: the name and purpose the certificate will carry (a last look, with a way back to
// change them), what the order retires and costs, then pay: sandbox confirm, Stripe's element,
// or the provider's own way (WeChat Pay's bridge, a QR code, a page to open) while the order is
// polled until paid; and, while unpaid, a way back to choose another way to pay. Cancelling asks
// first; a cancelled or expired order has its own screen, with the way back to order again.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api/client";
import type { Order } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { cancelAndGoBack, goBack, hasWayBack, PayWith, remoteInstructions, SwitchRail } from "../components/PayWith";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatMass, formatMoney } from "../format";
import { lang, t, tryT } from "../i18n";
import { navigate } from "../router";
import { mountPaymentElement, stripeInstructions } from "../stripe";
import { purposeText } from "../purpose";

const POLL_MS = 1500;
const AWAIT_MS = 2500; // an order paid elsewhere (a QR code, WeChat, a provider's page)

export function Checkout({ id }: { id: string }) {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<Order>("GET", `/orders/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const [order, setOrder] = useState<Order | undefined>(undefined);
  const [payError, setPayError] = useState<unknown>(undefined);
  const [paying, setPaying] = useState(false);
  const [asking, setAsking] = useState(false);
  const current = order ?? data;

  const remote = current ? remoteInstructions(current) : null;
  // Paid but not yet retired (a webhook or the worker finishes it), or paid elsewhere and not yet
  // known here: look again shortly.
  useEffect(() => {
    const waiting = current?.status === "awaiting_payment" && remote !== null;
    if (current?.status !== "paid" && !waiting) return;
    const timer = setTimeout(
      () => void api<Order>("GET", `/orders/${encodeURIComponent(id)}`).then(setOrder, () => {}),
      waiting ? AWAIT_MS : POLL_MS,
    );
    return () => clearTimeout(timer);
  }, [current]);

  if (loading && !current) return <Loading />;
  if (error !== undefined && !current) return <ErrorBox error={error} onRetry={reload} />;
  if (!current) return null;
  if (current.status === "cancelled" || current.status === "expired") return <Ended order={current} />;
  const l = lang.value;
  const money = (fen: number): string => formatMoney(fen, current.currency ?? "CNY", l);

  async function confirmSandbox(): Promise<void> {
    setPaying(true);
    setPayError(undefined);
    try {
      const done = await api<Order>("POST", `/orders/${encodeURIComponent(id)}/confirm`, { body: {} });
      setOrder(done);
      if (done.certificate_number) navigate(`/certificates/${done.certificate_number}`);
    } catch (e) {
      setPayError(e);
    } finally {
      setPaying(false);
    }
  }

  async function cancel(): Promise<void> {
    setOrder(await api<Order>("POST", `/orders/${encodeURIComponent(id)}/cancel`, { body: {} }));
    setAsking(false);
  }

  const payment = current.payment;
  const awaiting = current.status === "awaiting_payment";
  return (
    <section class="screen">
      <h1>{t("checkout.title")}</h1>
      <div class="card">
        <p class="status-line">
          <span class={`pill ${current.status}`}>{tryT(`order.${current.status}`)}</span>
        </p>
        {awaiting && (
          <p class="notice" id="last-look">
            {t("checkout.lastLook")}
          </p>
        )}
        <dl class="facts" aria-describedby={awaiting ? "last-look" : undefined}>
          <dt>{t("field.beneficiary")}</dt>
          <dd data-testid="beneficiary">{current.beneficiary}</dd>
          <dt>{t("checkout.purpose")}</dt>
          <dd data-testid="purpose">{purposeText(current.purpose_detail, current.purpose)}</dd>
          <dt>{t("checkout.mass")}</dt>
          <dd>{formatMass(current.mass_g!, l)} CO₂e</dd>
        </dl>
        {awaiting && <ChangeName order={current} />}
        <h2>{t("checkout.credits")}</h2>
        <ul class="lines">
          {(current.lines ?? []).map((line) => (
            <li key={line.lot_id}>
              <span>
                {line.standard} · {l === "zh" ? line.project_name_zh : line.project_name_en} ·{" "}
                {line.vintage}
              </span>
              <span>
                {formatMass(line.mass_g!, l)} · {money(line.amount!)}
              </span>
            </li>
          ))}
        </ul>
        {current.fee_amount! > 0 && (
          <p class="row">
            <span>{t("checkout.fee")}</span>
            <span>{money(current.fee_amount!)}</span>
          </p>
        )}
        <p class="row total">
          <span>{t("checkout.total")}</span>
          <span data-testid="amount">{money(current.amount!)}</span>
        </p>
        {awaiting && current.expires_at && (
          <p class="hint">{t("checkout.heldUntil", { time: formatDateTime(current.expires_at, l) })}</p>
        )}
      </div>
      {awaiting && payment?.sandbox && (
        <div class="card">
          {/* our own words, naming the button below (the API's notice is for other clients) */}
          <p class="notice" data-testid="sandbox-notice">
            {t("checkout.sandbox")}
          </p>
          {payError !== undefined && <ErrorBox error={payError} />}
          <button class="button primary" type="button" disabled={paying} onClick={confirmSandbox}>
            {t("checkout.confirmSandbox", { amount: money(current.amount!) })}
          </button>
          <button class="button secondary" type="button" onClick={() => setAsking(true)}>
            {t("checkout.cancel")}
          </button>
          {asking && (
            <ConfirmDialog
              title={t("checkout.cancelConfirm")}
              confirmLabel={t("checkout.cancelYes")}
              cancelLabel={t("checkout.cancelNo")}
              onConfirm={cancel}
              onCancel={() => setAsking(false)}
              danger
            >
              <p>{t("checkout.cancelWhat")}</p>
            </ConfirmDialog>
          )}
        </div>
      )}
      {awaiting && !payment?.sandbox && remote && (
        <PayWith ins={remote} amount={money(current.amount!)} provider={providerName(payment?.provider)} />
      )}
      {awaiting && !payment?.sandbox && !remote && (
        <StripePay order={current} onError={setPayError} error={payError} />
      )}
      {awaiting && <SwitchRail order={current} />}
      {current.status === "paid" && <Loading label={t("checkout.settling")} />}
      {current.certificate_number && (
        <a class="button primary" href={`/certificates/${current.certificate_number}`}>
          {t("checkout.viewCertificate")}
        </a>
      )}
    </section>
  );
}

/** A cancelled or expired order: what that means, and the way back to order again. */
function Ended({ order }: { order: Order }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;

  async function back(): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await goBack(order);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <section class="screen" data-testid="order-ended">
      <h1>{t(order.status === "expired" ? "checkout.expiredTitle" : "checkout.cancelledTitle")}</h1>
      <div class="card">
        <p class="status-line">
          <span class={`pill ${order.status}`}>{tryT(`order.${order.status}`)}</span>
        </p>
        <p>{t("checkout.endedText")}</p>
        <dl class="facts">
          <dt>{t("field.beneficiary")}</dt>
          <dd>{order.beneficiary}</dd>
          <dt>{t("checkout.mass")}</dt>
          <dd>{formatMass(order.mass_g!, l)} CO₂e</dd>
        </dl>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      <button class="button primary" type="button" disabled={busy} onClick={back}>
        {t(hasWayBack(order) ? "checkout.goBack" : "checkout.goHome")}
      </button>
    </section>
  );
}

/**
 * The name and purpose are frozen on the order once it exists: say so and, for an order made from
 * a calculator, offer to cancel it and go back there (its drafts keep what was filled in).
 */
function ChangeName({ order }: { order: Order }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const footprintId = order.footprint_id;

  async function change(): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await cancelAndGoBack(order);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <div class="frozen">
      <p class="hint">{t("checkout.frozen")}</p>
      {footprintId && (
        <>
          <p class="hint">{t("checkout.changeHint")}</p>
          {error !== undefined && <ErrorBox error={error} />}
          <button class="button secondary" type="button" disabled={busy} onClick={change}>
            {t("checkout.change")}
          </button>
        </>
      )}
    </div>
  );
}

function StripePay(props: { order: Order; error: unknown; onError: (e: unknown) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [confirm, setConfirm] = useState<(() => Promise<string | null>) | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const ins = stripeInstructions(props.order.payment?.instructions);

  useEffect(() => {
    if (!ins || !host.current) return;
    const back = `${location.origin}/checkout/${props.order.id}`;
    mountPaymentElement(host.current, ins, lang.value === "zh" ? "zh" : "en", back).then(
      (fn) => setConfirm(() => fn),
      props.onError,
    );
  }, [ins?.client_secret]);

  if (!ins) return <p class="notice">{t("checkout.noPayment")}</p>;
  return (
    <div class="card">
      <div ref={host} class="stripe-element" />
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      {props.error !== undefined && <ErrorBox error={props.error} />}
      <button
        class="button primary"
        type="button"
        disabled={!confirm}
        onClick={async () => setMessage((await confirm?.()) ?? null)}
      >
        {t("checkout.pay", { amount: formatMoney(props.order.amount!, props.order.currency ?? "CNY", lang.value) })}
      </button>
    </div>
  );
}

/** A provider's name for people (the chooser's labels come from the API; these are the few a
 * checkout opens a page of). */
function providerName(provider: string | undefined): string {
  return provider === "alipay" ? t("pay.alipay") : provider === "wechatpay" ? t("pay.wechatpay") : (provider ?? "");
}
