// 核销: verify a certificate against the case, by scanning its QR (the verify link) or typing
// its number, after asking (naming the number and the case: it cannot be undone). Outcomes: verified; already verified (by which court, when, for which case);
// or the refusal's words (not judicial, another case, ineligible credits, revoked, unknown).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Verification } from "../../api/types";
import { Scanner, canScan } from "../../components/Scanner";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBox } from "../../components/status";
import { formatDateTime, formatMass } from "../../format";
import { lang } from "../../i18n";
import { certificateNumberFrom } from "../certNumber";
import { st } from "../messages";

type Outcome =
  | { done: Verification }
  | { already: Record<string, string> }
  | { notCertificate: true }
  | { error: unknown };

export function Verify(props: { caseId: string; caseNumber: string; onVerified: () => void }) {
  const { caseId, caseNumber, onVerified } = props;
  const [number, setNumber] = useState("");
  const [asking, setAsking] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const l = lang.value;

  /** A scanned or typed number: ask first, naming it, or say it is not a certificate's. */
  function ask(raw: string): void {
    const n = certificateNumberFrom(raw);
    setNumber(n);
    setOutcome(n ? null : { notCertificate: true });
    setAsking(n || null);
  }

  async function verify(n: string): Promise<void> {
    setBusy(true);
    setOutcome(null);
    try {
      const done = await api<Verification>("POST", `/court-cases/${encodeURIComponent(caseId)}/verifications`, {
        body: { certificate_number: n },
      });
      setOutcome({ done });
      setNumber("");
      onVerified();
    } catch (e) {
      if (e instanceof ApiError && e.slug === "already-verified") {
        setOutcome({ already: e.problem as Record<string, string> });
      } else setOutcome({ error: e });
    } finally {
      setBusy(false);
      setAsking(null);
    }
  }

  return (
    <form
      class="card form"
      aria-labelledby="verify-title"
      onSubmit={(e) => {
        e.preventDefault();
        ask(number);
      }}
    >
      <h2 id="verify-title">{st("verify.title")}</h2>
      <p class="hint">{st("verify.hint")}</p>
      {canScan() &&
        (scanning ? (
          <Scanner
            failedText={st("verify.cameraFailed")}
            onClose={() => setScanning(false)}
            onCode={(raw) => {
              setScanning(false);
              ask(raw);
            }}
          />
        ) : (
          <button class="button secondary" type="button" onClick={() => setScanning(true)}>
            {st("verify.scan")}
          </button>
        ))}
      <label class="field" for="certificate-number">
        <span>{st("field.certificate_number")}</span>
        <input
          id="certificate-number"
          required
          maxLength={200}
          autocomplete="off"
          spellcheck={false}
          placeholder="DD-2026-000123"
          value={number}
          onInput={(e) => setNumber(e.currentTarget.value)}
        />
      </label>
      {outcome && "done" in outcome && (
        <p class="success" role="status" data-testid="verify-outcome">
          {st("verify.done", { number: outcome.done.certificate_number!, mass: formatMass(outcome.done.mass_g!, l) })}
        </p>
      )}
      {outcome && "already" in outcome && (
        <p class="error" role="alert" data-testid="verify-outcome">
          {st("verify.already", {
            court: outcome.already.verified_by_court ?? "",
            date: outcome.already.verified_at ? formatDateTime(outcome.already.verified_at, l) : "",
            case: outcome.already.verified_case_number ?? "",
          })}
        </p>
      )}
      {outcome && "notCertificate" in outcome && (
        <p class="error" role="alert" data-testid="verify-outcome">
          {st("verify.notCertificate")}
        </p>
      )}
      {outcome && "error" in outcome && <ErrorBox error={outcome.error} />}
      <button class="button primary" type="submit" disabled={busy}>
        {st("verify.submit")}
      </button>
      {asking && (
        <ConfirmDialog
          title={st("verify.confirm", { number: asking })}
          confirmLabel={st("verify.confirmYes")}
          cancelLabel={st("verify.confirmNo")}
          onConfirm={() => verify(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>{st("verify.confirmWhat", { case: caseNumber })}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
