// The page a court's link or QR opens (`/court-purchase/{token}`): what this defendant must
// buy, then sign in, order and pay like any order. The certificate is judicial.
import { useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import type { Offer, Order } from "../api/types";
import { remember, remembered } from "../courtPurchase";
import { PaymentChooser } from "../components/PaymentChooser";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDay, formatMass, formatMoney } from "../format";
import { lang, t, tryT } from "../i18n";
import { keyOf, orderFields, rememberOrigin, type Choice } from "../payment";
import { regionName, regionOrder } from "../provinces";
import { navigate } from "../router";
import { session } from "../session";

export function CourtPurchase({ token }: { token: string }) {
  const { data: offer, error, loading, reload } = useLoad(
    (signal) => api<Offer>("GET", `/court-purchases/${encodeURIComponent(token)}`, { signal }),
    [token],
  );
  const [mine, setMine] = useState(() => remembered(token));
  const [payWith, setPayWith] = useState<Choice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [orderError, setOrderError] = useState<unknown>(undefined);
  if (loading) return <Loading />;
  if (error !== undefined || !offer) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  const quote = offer.quote;
  const here = `/court-purchase/${encodeURIComponent(token)}`;

  async function order(): Promise<void> {
    setBusy(true);
    setOrderError(undefined);
    // The link's key makes a retry return the same order; another way to pay (before any order
    // was made) is another request, so it gets a key of its own.
    const way = payWith ? keyOf(payWith) : "";
    const key = mine.orderId || (mine.way ?? "") === way ? mine.idempotencyKey : newIdempotencyKey();
    const attempt = { ...mine, idempotencyKey: key, way };
    remember(token, attempt);
    setMine(attempt);
    try {
      const made = await api<Order>("POST", `/court-purchases/${encodeURIComponent(token)}/orders`, {
        body: orderFields(payWith),
        idempotencyKey: key,
      });
      remember(token, { ...attempt, orderId: made.id });
      rememberOrigin(made.id!, { path: here, courtToken: token });
      navigate(`/checkout/${made.id}`);
    } catch (e) {
      setOrderError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="screen">
      <h1>{t("purchase.title")}</h1>
      <p class="notice" data-testid="judicial">
        {t("purchase.judicial")}
      </p>
      <div class="card">
        <dl class="facts">
          <dt>{t("purchase.case")}</dt>
          <dd data-testid="case-number">{offer.case_number}</dd>
          <dt>{t("purchase.court")}</dt>
          <dd>{offer.court}</dd>
          <dt>{t("purchase.site")}</dt>
          <dd>
            {offer.site?.place} · {offer.site?.province_name}
          </dd>
          <dt>{t("purchase.defendant")}</dt>
          <dd>{offer.defendant}</dd>
          <dt>{t("purchase.required")}</dt>
          <dd>{formatMass(offer.required_g!, l)} CO₂e</dd>
          <dt>{t("purchase.bought")}</dt>
          <dd>{formatMass(offer.bought_g!, l)}</dd>
          <dt>{t("purchase.remaining")}</dt>
          <dd data-testid="remaining">{formatMass(offer.remaining_g!, l)}</dd>
          <dt>{t("purchase.deadline")}</dt>
          <dd>{formatDay(offer.deadline!, l)}</dd>
        </dl>
        <h2>{t("purchase.eligible")}</h2>
        <p class="hint" data-testid="eligible">
          {(offer.eligible?.standards ?? []).join(" / ")} ·{" "}
          {(offer.eligible?.types ?? []).map((x) => tryT(`ptype.${x}`)).join(" / ")} ·{" "}
          {regions(offer.eligible?.regions ?? [])}
        </p>
        {quote && (
          <>
            <ul class="lines">
              {(quote.lines ?? []).map((line, i) => (
                <li key={i}>
                  <span>
                    {line.standard} · {l === "zh" ? line.project_name_zh : line.project_name_en} ·{" "}
                    {line.vintage}
                  </span>
                  <span>{formatMass(line.mass_g!, l)}</span>
                </li>
              ))}
            </ul>
            <p class="row total">
              <span>{t("purchase.price")}</span>
              <span>{formatMoney(quote.amount!, quote.currency ?? "CNY", l)}</span>
            </p>
          </>
        )}
      </div>
      {mine.orderId && (
        <a class="button secondary" href={`/checkout/${mine.orderId}`}>
          {t("purchase.continue")}
        </a>
      )}
      {!offer.open || !quote ? (
        <p class="notice" role="status">
          {closedReason(offer)}
        </p>
      ) : session.value ? (
        <>
          <PaymentChooser onChange={setPayWith} />
          {orderError !== undefined && <ErrorBox error={orderError} />}
          <button class="button primary" type="button" disabled={busy} onClick={order}>
            {t("purchase.buy", { mass: formatMass(offer.remaining_g!, l) })}
          </button>
        </>
      ) : (
        <a class="button primary" href={`/sign-in?next=${encodeURIComponent(here)}`}>
          {t("purchase.signIn")}
        </a>
      )}
    </section>
  );
}

/** The accepted regions by name in the statistics order: "CN" is all China (a province was
 * shown as its code when it was not the damaged site's). */
function regions(codes: string[]): string {
  return [...codes]
    .sort(regionOrder)
    .map((code) => (code === "CN" ? t("purchase.allChina") : regionName(code, lang.value)))
    .join(" / ");
}

/** Why this link sells nothing now, from the offer's fields (the server's text is English). */
function closedReason(offer: Offer): string {
  if (offer.case_status !== "open") return t("purchase.caseNotOpen", { status: tryT(`case.${offer.case_status}`) });
  if (offer.remaining_g === 0) return t("purchase.nothingLeft");
  if (!offer.open) return t("purchase.deadlinePassed");
  return t("purchase.noStock");
}
