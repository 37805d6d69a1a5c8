// Paying a placed order at a provider that is not the sandbox or Stripe: WeChat Pay inside
// WeChat (its bridge), a QR code to scan (Native), or the provider's page to open (WeChat Pay H5,
// Alipay). The checkout polls the order meanwhile; and, while it is unpaid, the person may cancel
// it and go back to choose another way to pay.
import { useEffect, useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import type { Footprint, Order } from "../api/types";
import { CALCULATORS } from "../calculators";
import { remember as rememberCourtOrder } from "../courtPurchase";
import { t } from "../i18n";
import { instructionsOf, originOf, type Instructions } from "../payment";
import { navigate } from "../router";
import { payInWechat, type Outcome } from "../wechatBridge";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorBox } from "./status";

/** How to pay this order at its provider, or null when its instructions are not ours to show. */
export function remoteInstructions(order: Order): Instructions | null {
  return instructionsOf(order.payment?.instructions, `${location.origin}/checkout/${order.id}`);
}

export function PayWith(props: { ins: Instructions; amount: string; provider: string }) {
  const { ins, amount, provider } = props;
  return (
    <div class="card pay-with" data-testid="pay-with">
      {ins.kind === "jsapi" && <WechatBridgePay payRequest={ins.payRequest} amount={amount} />}
      {ins.kind === "qr" && <QrPay url={ins.url} amount={amount} />}
      {ins.kind === "open" && (
        <>
          <p class="hint">{t("pay.openHint", { provider })}</p>
          <button class="button primary" type="button" onClick={() => location.assign(ins.url)}>
            {t("pay.open", { provider, amount })}
          </button>
        </>
      )}
      <p class="hint" role="status" data-testid="auto-refresh">
        {t("pay.autoRefresh")}
      </p>
    </div>
  );
}

const OUTCOME: Record<Outcome, "pay.wechatOk" | "pay.wechatCancelled" | "pay.wechatFailed" | "pay.noBridge"> = {
  ok: "pay.wechatOk",
  cancel: "pay.wechatCancelled",
  fail: "pay.wechatFailed",
  "no-bridge": "pay.noBridge",
};

function WechatBridgePay({ payRequest, amount }: { payRequest: Record<string, string>; amount: string }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function pay(): Promise<void> {
    setBusy(true);
    setOutcome(null);
    setOutcome(await payInWechat(payRequest));
    setBusy(false);
  }

  return (
    <>
      {outcome && (
        <p class={outcome === "ok" ? "notice" : "error"} role={outcome === "ok" ? "status" : "alert"} data-testid="wechat-outcome">
          {t(OUTCOME[outcome])}
        </p>
      )}
      <button class="button primary" type="button" disabled={busy || outcome === "ok"} onClick={pay}>
        {t("pay.wechat", { amount })}
      </button>
    </>
  );
}

function QrPay({ url, amount }: { url: string; amount: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(undefined);
  useEffect(() => {
    import("uqr").then(({ renderSVG }) => setSvg(renderSVG(url, { border: 2 })), setFailed);
  }, [url]);
  return (
    <>
      <p>{t("pay.scan", { amount })}</p>
      {failed !== undefined && <ErrorBox error={failed} />}
      {svg && <div class="qr pay-qr" role="img" aria-label={t("pay.qrAlt")} data-testid="pay-qr" data-url={url} dangerouslySetInnerHTML={{ __html: svg }} />}
      {navigator.userAgent.includes("MicroMessenger") && <p class="hint">{t("pay.scanHint")}</p>}
    </>
  );
}

/**
 * Where to go back to choose again: where the order was made (remembered when it was placed),
 * else the calculator of its footprint, else home.
 */
async function backOf(order: Order): Promise<string> {
  const origin = originOf(order.id!);
  if (origin?.path) return origin.path;
  if (!order.footprint_id) return "/";
  const fp = await api<Footprint>("GET", `/footprints/${encodeURIComponent(order.footprint_id)}`);
  return fp.kind && fp.kind in CALCULATORS ? `/neutralise/${fp.kind}` : "/";
}

/** Whether going back leads somewhere other than home (known without asking the API). */
export function hasWayBack(order: Order): boolean {
  return Boolean(originOf(order.id!)?.path || order.footprint_id);
}

/** Go to `back`. A court's link gets a fresh order key, so ordering there again makes a new
 * order instead of returning this one. */
function leave(order: Order, back: string): void {
  const origin = originOf(order.id!);
  if (origin?.courtToken) rememberCourtOrder(origin.courtToken, { idempotencyKey: newIdempotencyKey() });
  navigate(back);
}

/** From an order already cancelled or expired, back to where it was made. */
export async function goBack(order: Order): Promise<void> {
  leave(order, await backOf(order));
}

/** Cancel this unpaid order and go back to where it was made. */
export async function cancelAndGoBack(order: Order): Promise<void> {
  const back = await backOf(order);
  await api<Order>("POST", `/orders/${encodeURIComponent(order.id!)}/cancel`, { body: {} });
  leave(order, back);
}

/** "换一种支付方式": confirm, cancel this unpaid order, and go back to where it was made. */
export function SwitchRail({ order }: { order: Order }) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button class="button secondary" type="button" onClick={() => setAsking(true)}>
        {t("pay.switch")}
      </button>
      {asking && (
        <ConfirmDialog
          title={t("pay.switchConfirm")}
          confirmLabel={t("pay.switchYes")}
          cancelLabel={t("pay.switchNo")}
          onConfirm={() => cancelAndGoBack(order)}
          onCancel={() => setAsking(false)}
          testId="switch-rail"
        >
          <p class="hint">{t("pay.switchKept")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
