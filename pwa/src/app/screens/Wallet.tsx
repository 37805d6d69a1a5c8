// Points wallet: balance, pending, history, redeem against real offsets, and venue check-ins.
import { useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import type { Redemption, Wallet as WalletData } from "../api/types";
import { checkIn, venueFromQr } from "../checkin";
import { Scanner, canScan } from "../components/Scanner";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatPoints } from "../format";
import { lang, t, tryT } from "../i18n";
import { waiting } from "../offline/queue";
import { navigate } from "../router";

export function Wallet() {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<WalletData>("GET", "/wallet", { signal }),
    [],
  );
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{t("wallet.title")}</h1>
      <div class="card balance">
        <div>
          <p class="result-label">{t("wallet.balance")}</p>
          <p class="result-total" data-testid="balance">
            {formatPoints(data.balance!, l)}
          </p>
        </div>
        <div>
          <p class="result-label">{t("wallet.pending")}</p>
          <p class="result-sub" data-testid="pending">
            {formatPoints(data.pending!, l)}
          </p>
        </div>
        <p class="hint">{t("wallet.rule")}</p>
      </div>
      <CheckIn onDone={reload} />
      <Redeem balance={data.balance!} />
      <h2>{t("wallet.history")}</h2>
      {(data.history ?? []).length === 0 ? (
        <Empty title={t("wallet.noHistory")} />
      ) : (
        <ul class="list">
          {data.history!.map((h) => (
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

function CheckIn({ onDone }: { onDone: () => void }) {
  const [venue, setVenue] = useState("");
  const [scanning, setScanning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  async function submit(code: string): Promise<void> {
    setError(undefined);
    setMessage(null);
    try {
      const r = await checkIn(code);
      if (r === "queued") setMessage(t("wallet.checkinQueued"));
      else if (r.accepted) setMessage(t("wallet.checkinOk", { points: r.results?.[0]?.points ?? 0 }));
      else setMessage(t("wallet.checkinNot", { reason: tryT(`reason.${r.results?.[0]?.reason ?? "duplicate"}`) }));
      setVenue("");
      onDone();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form
      class="card form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(venue.trim());
      }}
    >
      <h2>{t("wallet.checkin")}</h2>
      {canScan() &&
        (scanning ? (
          <Scanner
            onClose={() => setScanning(false)}
            onCode={(raw) => {
              setScanning(false);
              void submit(venueFromQr(raw));
            }}
          />
        ) : (
          <button class="button secondary" type="button" onClick={() => setScanning(true)}>
            {t("wallet.scan")}
          </button>
        ))}
      <label class="field" for="venue">
        <span>{t("field.venue")}</span>
        <input
          id="venue"
          name="venue"
          required
          maxLength={60}
          value={venue}
          onInput={(e) => setVenue(e.currentTarget.value)}
        />
      </label>
      {error !== undefined && <ErrorBox error={error} />}
      {message && <p role="status">{message}</p>}
      {waiting.value > 0 && (
        <p class="notice" data-testid="queued">
          {t("wallet.waiting", { n: waiting.value })}
        </p>
      )}
      <button class="button primary" type="submit">
        {t("wallet.checkinSubmit")}
      </button>
    </form>
  );
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
      <button class="button primary" type="submit" disabled={busy || balance <= 0}>
        {t("wallet.redeemSubmit")}
      </button>
    </form>
  );
}
