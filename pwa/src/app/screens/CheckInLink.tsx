// /checkin?v=…&w=…&s=…: where a venue's QR leads when the phone's camera (or WeChat) opens it.
// The code is sent once, at once: it lives one to two minutes.
import { useEffect, useState } from "preact/hooks";
import type { BatchResult } from "../api/types";
import { checkIn, venueCode } from "../checkin";
import { ErrorBox, Loading } from "../components/status";
import { t } from "../i18n";
import { checkInText } from "./Wallet";

export function CheckInLink({ query }: { query: URLSearchParams }) {
  const code = venueCode(query.toString());
  const [outcome, setOutcome] = useState<BatchResult | "queued" | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (code === null) return;
    let live = true;
    checkIn(code).then(
      (r) => live && setOutcome(r),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [code]);
  return (
    <section class="screen">
      <h1>{t("checkin.title")}</h1>
      {code === null ? (
        <p role="alert">{t("wallet.notVenueCode")}</p>
      ) : error !== undefined ? (
        <ErrorBox error={error} />
      ) : outcome === null ? (
        <Loading label={t("checkin.sending")} />
      ) : (
        <p class="notice" role="status" data-testid="checkin-outcome">
          {checkInText(outcome)}
        </p>
      )}
      <a class="button secondary" href="/wallet">
        {t("checkin.toWallet")}
      </a>
    </section>
  );
}
