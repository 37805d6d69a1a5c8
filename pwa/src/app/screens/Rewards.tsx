// Rewards funded by sponsors: the catalogue with prices and stock, redeeming after a confirmation
// that names what will happen, then the code as text and QR for the merchant (an offset goes to
// its certificate). A disabled button always says why. My earlier codes are listed below.
import { useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import type { Catalogue, Reward, RewardRedemption, RewardRedemptionPage, Wallet } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatPoints } from "../format";
import { lang, t } from "../i18n";
import { offline } from "../offline/network";
import { grouped, whyNot } from "../rewards";
import { navigate } from "../router";
import { session } from "../session";

interface Loaded {
  items: Reward[];
  balance: number | null; // null: signed out
  mine: RewardRedemption[];
}

async function load(signal: AbortSignal): Promise<Loaded> {
  const catalogue = api<Catalogue>("GET", "/rewards", { signal });
  if (!session.value) return { items: (await catalogue).items ?? [], balance: null, mine: [] };
  const [c, w, m] = await Promise.all([
    catalogue,
    api<Wallet>("GET", "/wallet", { signal }),
    api<RewardRedemptionPage>("GET", "/wallet/rewards", { signal }),
  ]);
  return { items: c.items ?? [], balance: w.balance ?? 0, mine: m.items ?? [] };
}

const title = (r: Reward): string => (lang.value === "zh" ? r.title_zh! : r.title_en!);

export function Rewards() {
  const { data, error, loading, reload } = useLoad(load, [session.value?.token]);
  const [asking, setAsking] = useState<Reward | null>(null);
  const [got, setGot] = useState<{ reward: Reward; redemption: RewardRedemption } | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const l = lang.value;
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;

  async function redeem(reward: Reward): Promise<void> {
    const redemption = await api<RewardRedemption>("POST", `/rewards/${encodeURIComponent(reward.id!)}/redemptions`, {
      idempotencyKey: key,
    });
    setKey(newIdempotencyKey());
    setAsking(null);
    if (redemption.certificate_number) {
      navigate(`/certificates/${redemption.certificate_number}`);
      return;
    }
    setGot({ reward, redemption });
    reload();
  }

  return (
    <section class="screen">
      <h1>{t("rewards.title")}</h1>
      <p class="hint">{t("rewards.intro")}</p>
      {data.balance !== null && (
        <p class="result-sub" data-testid="rewards-balance">
          {t("rewards.balance", { points: formatPoints(data.balance, l) })}
        </p>
      )}
      {got && <CodeCard title={title(got.reward)} redemption={got.redemption} />}
      {data.items.length === 0 ? (
        <Empty title={t("rewards.none")} />
      ) : (
        <ul class="list">
          {data.items.map((r) => {
            const why = whyNot(r, data.balance, !offline.value);
            const whyId = `why-${r.id}`;
            return (
              <li key={r.id} class="card reward" data-testid="reward">
                <h2>{title(r)}</h2>
                <p class="list-meta">
                  {t("rewards.by", { sponsor: r.sponsor ?? "" })} · {t(`rewards.kind.${r.kind}` as "rewards.kind.coupon")}
                </p>
                <p>
                  <strong>{t("rewards.price", { points: formatPoints(r.price_points!, l) })}</strong>{" "}
                  <span class="list-meta">{t("rewards.stock", { n: formatPoints(r.stock!, l) })}</span>
                </p>
                <button
                  class="button primary"
                  type="button"
                  disabled={why !== null}
                  aria-describedby={why ? whyId : undefined}
                  onClick={() => setAsking(r)}
                >
                  {t("rewards.redeem")}
                </button>
                {why && (
                  <p class="hint" id={whyId}>
                    {why.key === "rewards.why.short"
                      ? t(why.key, { points: formatPoints(why.short, l) })
                      : t(why.key)}
                    {why.key === "rewards.why.signedOut" && (
                      <>
                        {" "}
                        <a href="/sign-in?next=/rewards">{t("rewards.signIn")}</a>
                      </>
                    )}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {data.mine.length > 0 && (
        <>
          <h2>{t("rewards.mine")}</h2>
          <ul class="list">
            {data.mine.map((m) => (
              <li key={m.id} class="list-item">
                <span class="list-title">{m.code ? grouped(m.code) : m.certificate_number}</span>
                <span class="list-meta">{formatDateTime(m.created_at!, l)}</span>
                <span class="list-value">−{formatPoints(m.points!, l)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {asking && (
        <ConfirmDialog
          title={t("rewards.confirm", { title: title(asking) })}
          confirmLabel={t("rewards.confirmYes", { points: formatPoints(asking.price_points!, l) })}
          cancelLabel={t("rewards.confirmNo")}
          onConfirm={() => redeem(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>
            {t(asking.kind === "offset" ? "rewards.confirmOffset" : "rewards.confirmWhat", {
              points: formatPoints(asking.price_points!, l),
              sponsor: asking.sponsor ?? "",
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The code just redeemed: as text (grouped by four) and as a QR the merchant can scan. */
function CodeCard({ title: what, redemption }: { title: string; redemption: RewardRedemption }) {
  const code = redemption.code!;
  const { data: svg } = useLoad(async () => (await import("uqr")).renderSVG(code, { border: 2 }), [code]);
  return (
    <div class="card" role="status" data-testid="reward-code">
      <h2>{t("rewards.done", { title: what })}</h2>
      <p class="result-total" data-testid="code-text">
        {grouped(code)}
      </p>
      {svg && <div class="qr reward-qr" aria-label={t("rewards.qr")} role="img" dangerouslySetInnerHTML={{ __html: svg }} />}
      <p class="hint">{t("rewards.show")}</p>
    </div>
  );
}
