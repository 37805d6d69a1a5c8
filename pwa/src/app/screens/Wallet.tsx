// Points wallet: balance, pending, history, redeem against real offsets, and venue check-ins.
// Offline (or the server failing) it shows the last wallet read on this device, marked with when
// it was synced, and the check-in still works: it is queued and sent on reconnecting (a code
// lives one to two minutes, so a check-in queued longer is refused with the reason).
import { useEffect, useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import { explain } from "../api/problem";
import type { BatchResult, Redemption, Wallet as WalletData } from "../api/types";
import { checkIn, delivered, venueCode } from "../checkin";
import { Scanner, canScan } from "../components/Scanner";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatPoints } from "../format";
import { lang, t, tryT } from "../i18n";
import { offline } from "../offline/network";
import { unreachable } from "../offline/personal";
import { waiting } from "../offline/queue";
import { loadSnapshot, saveSnapshot } from "../offline/store";
import { navigate } from "../router";

/** The wallet from the API, or the last one read here (`savedAt`) when it cannot be reached. */
interface Loaded {
  wallet: WalletData;
  savedAt: string | null;
}

async function loadWallet(signal: AbortSignal): Promise<Loaded> {
  try {
    const wallet = await api<WalletData>("GET", "/wallet", { signal });
    void saveSnapshot("wallet", wallet).catch(() => undefined);
    return { wallet, savedAt: null };
  } catch (e) {
    if (!unreachable(e)) throw e;
    const saved = await loadSnapshot<WalletData>("wallet").catch(() => undefined);
    if (!saved) throw e;
    return { wallet: saved.data, savedAt: saved.savedAt };
  }
}

/** Why a check-in earned nothing, in words (a reason code; its status if none). */
export function reasonText(r: BatchResult): string {
  const first = r.results?.[0];
  return tryT(`reason.${first?.reason ?? first?.status ?? "duplicate"}`);
}

export function Wallet() {
  const { data, error, loading, reload } = useLoad(loadWallet, []);
  // Back online, or queued check-ins sent: read the wallet again.
  useEffect(() => {
    addEventListener("online", reload);
    return () => removeEventListener("online", reload);
  }, [reload]);
  const sent = delivered.value;
  useEffect(() => {
    if (sent.length) reload();
  }, [sent, reload]);
  if (loading && !data) return <Loading />;
  if (!data) {
    // Nothing read here yet: the error, and the check-in, which works offline.
    return (
      <section class="screen">
        <h1>{t("wallet.title")}</h1>
        <ErrorBox error={error} onRetry={reload} />
        <CheckIn onDone={reload} />
      </section>
    );
  }
  const { wallet, savedAt } = data;
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{t("wallet.title")}</h1>
      {savedAt && (
        <p class="notice" data-testid="wallet-saved">
          {t(offline.value ? "wallet.savedOffline" : "wallet.savedStale", {
            at: formatDateTime(savedAt, l),
          })}
        </p>
      )}
      <div class="card balance">
        <div>
          <p class="result-label">{t("wallet.balance")}</p>
          <p class="result-total" data-testid="balance">
            {formatPoints(wallet.balance!, l)}
          </p>
        </div>
        <div>
          <p class="result-label">{t("wallet.pending")}</p>
          <p class="result-sub" data-testid="pending">
            {formatPoints(wallet.pending!, l)}
          </p>
        </div>
        <p class="hint">{t("wallet.rule")}</p>
      </div>
      <a class="card link-card" href="/rewards" data-testid="to-rewards">
        <strong>{t("wallet.toRewards")}</strong>
        <span class="hint">{t("wallet.toRewardsHint")}</span>
      </a>
      <CheckIn onDone={reload} />
      {savedAt ? (
        <p class="hint">{t("wallet.redeemOnline")}</p>
      ) : (
        <Redeem balance={wallet.balance!} />
      )}
      <h2>{t("wallet.history")}</h2>
      {(wallet.history ?? []).length === 0 ? (
        <Empty title={t("wallet.noHistory")} />
      ) : (
        <ul class="list">
          {wallet.history!.map((h) => (
            <li key={h.id} class="list-item">
              <span class="list-title">{tryT(`transfer.${h.kind}`)}</span>
              <span class="list-meta">{formatDateTime(h.at!, l)}</span>
              <span class="list-value">
                {h.kind === "redeem" || h.kind === "expire" ? "−" : "+"}
                {formatPoints(h.amount!, l)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a check-in came to, in words. */
export function checkInText(r: BatchResult | "queued"): string {
  if (r === "queued") return t("wallet.checkinQueued");
  if (r.accepted) return t("wallet.checkinOk", { points: r.results?.[0]?.points ?? 0 });
  return t("wallet.checkinNot", { reason: reasonText(r) });
}

/** Check in by scanning the venue's current code; a typed code is not offered (it would be
 * refused): without a camera, the phone's own camera opens the code at /checkin. */
function CheckIn({ onDone }: { onDone: () => void }) {
  const [scanning, setScanning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const sent = delivered.value;
  // Once the queue is sent, "saved, sent when you reconnect" is no longer true: the outcomes say.
  useEffect(() => {
    if (sent.length) setMessage(null);
  }, [sent]);

  async function scanned(raw: string): Promise<void> {
    setError(undefined);
    setMessage(null);
    delivered.value = [];
    const code = venueCode(raw);
    if (code === null) {
      setMessage(t("wallet.notVenueCode"));
      return;
    }
    try {
      setMessage(checkInText(await checkIn(code)));
      onDone();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div class="card form" data-testid="checkin">
      <h2>{t("wallet.checkin")}</h2>
      <p class="hint">{t("wallet.scanHint")}</p>
      {canScan() &&
        (scanning ? (
          <Scanner
            onClose={() => setScanning(false)}
            onCode={(raw) => {
              setScanning(false);
              void scanned(raw);
            }}
          />
        ) : (
          <button class="button primary" type="button" onClick={() => setScanning(true)}>
            {t("wallet.scan")}
          </button>
        ))}
      {error !== undefined && <ErrorBox error={error} />}
      {message && <p role="status">{message}</p>}
      {sent.length > 0 && (
        <ul class="lines" role="status" data-testid="delivered">
          {sent.map((d, i) => (
            <li key={i}>{deliveredText(d)}</li>
          ))}
        </ul>
      )}
      {waiting.value > 0 && (
        <p class="notice" data-testid="queued">
          {t("wallet.waiting", { n: waiting.value })}
        </p>
      )}
    </div>
  );
}

function deliveredText(d: { result?: BatchResult; refused?: unknown }): string {
  if (d.result?.accepted) return t("wallet.sentOk", { points: d.result.results?.[0]?.points ?? 0 });
  if (d.result) return t("wallet.sentNot", { reason: reasonText(d.result) });
  return t("wallet.sentRefused", { reason: explain(d.refused, lang.value).message });
}

function Redeem({ balance }: { balance: number }) {
  const [points, setPoints] = useState(String(balance || ""));
  const [beneficiary, setBeneficiary] = useState("");
  const [key, setKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<Redemption>("POST", "/wallet/redemptions", {
        body: { points: Number(points), ...(beneficiary.trim() ? { beneficiary: beneficiary.trim() } : {}) },
        idempotencyKey: key,
      });
      setKey(newIdempotencyKey());
      navigate(`/certificates/${r.certificate_number}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" onSubmit={submit}>
      <h2>{t("wallet.redeem")}</h2>
      <p class="hint">{t("wallet.redeemHint")}</p>
      <label class="field" for="points">
        <span>{t("field.points")}</span>
        <input
          id="points"
          name="points"
          type="number"
          inputMode="numeric"
          min={1}
          required
          value={points}
          onInput={(e) => {
            setPoints(e.currentTarget.value);
            setKey(newIdempotencyKey());
          }}
        />
      </label>
      <label class="field" for="redeem-beneficiary">
        <span>{t("wallet.beneficiaryOptional")}</span>
        <input
          id="redeem-beneficiary"
          name="beneficiary"
          maxLength={100}
          value={beneficiary}
          onInput={(e) => {
            setBeneficiary(e.currentTarget.value);
            setKey(newIdempotencyKey());
          }}
        />
      </label>
      {error !== undefined && <ErrorBox error={error} />}
      <button
        class="button primary"
        type="submit"
        disabled={busy || balance <= 0}
        aria-describedby={balance <= 0 ? "redeem-why" : undefined}
      >
        {t("wallet.redeemSubmit")}
      </button>
      {balance <= 0 && (
        <p class="hint" id="redeem-why">
          {t("wallet.redeemWhyEmpty")}
        </p>
      )}
    </form>
  );
}
