// 核销 of a reward: a merchant of the sponsor scans the customer's QR or types the code, sees
// what it is for, and honours it after confirming (once ever). A code honoured before says when.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Budget, CodeView } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Scanner, canScan } from "../../components/Scanner";
import { ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime, formatPoints } from "../../format";
import { lang } from "../../i18n";
import { grouped } from "../../rewards";
import { st } from "../messages";

type Outcome = { done: CodeView } | { already: string } | { error: unknown };

export function Honour({ orgId }: { orgId: number }) {
  const base = `/organisations/${orgId}`;
  const budget = useLoad((signal) => api<Budget>("GET", `${base}/sponsor`, { signal }), [orgId]);
  const [code, setCode] = useState("");
  const [scanning, setScanning] = useState(false);
  const [asking, setAsking] = useState<CodeView | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const l = lang.value;
  if (budget.loading && !budget.data) return <Loading />;
  if (budget.error instanceof ApiError && budget.error.status === 404) {
    return <p class="hint">{st("honour.notSponsor")}</p>;
  }
  if (!budget.data) return <ErrorBox error={budget.error} onRetry={budget.reload} />;

  /** Look the code up first: the confirmation names the item, or it says it was honoured. */
  async function look(raw: string): Promise<void> {
    setBusy(true);
    setOutcome(null);
    try {
      const seen = await api<CodeView>("POST", `${base}/reward-codes/lookup`, { body: { code: raw } });
      if (seen.honoured_at) setOutcome({ already: seen.honoured_at });
      else setAsking(seen);
    } catch (e) {
      setOutcome({ error: e });
    } finally {
      setBusy(false);
    }
  }

  async function honour(seen: CodeView): Promise<void> {
    try {
      const done = await api<CodeView>("POST", `${base}/reward-codes/honour`, { body: { code: seen.code } });
      setOutcome({ done });
      setCode("");
      budget.reload();
    } catch (e) {
      if (e instanceof ApiError && e.slug === "already-honoured") {
        setOutcome({ already: String((e.problem as Record<string, unknown>).honoured_at ?? "") });
      } else setOutcome({ error: e });
    } finally {
      setAsking(null);
    }
  }

  const b = budget.data;
  const name = (v: CodeView): string => (l === "zh" ? v.title_zh! : v.title_en!);
  return (
    <>
      <p class="hint" data-testid="sponsor-budget">
        {st("honour.budget", {
          funded: formatPoints(b.funded_points!, l),
          spent: formatPoints(b.spent_points!, l),
          n: formatPoints(b.redemptions!, l),
        })}
      </p>
      <form
        class="card form"
        aria-labelledby="honour-title"
        onSubmit={(e) => {
          e.preventDefault();
          void look(code.trim());
        }}
      >
        <h2 id="honour-title">{st("honour.title")}</h2>
        <p class="hint">{st("honour.hint")}</p>
        {canScan() &&
          (scanning ? (
            <Scanner
              failedText={st("honour.cameraFailed")}
              onClose={() => setScanning(false)}
              onCode={(raw) => {
                setScanning(false);
                setCode(raw);
                void look(raw);
              }}
            />
          ) : (
            <button class="button secondary" type="button" onClick={() => setScanning(true)}>
              {st("honour.scan")}
            </button>
          ))}
        <label class="field" for="reward-code">
          <span>{st("field.reward_code")}</span>
          <input
            id="reward-code"
            required
            minLength={4}
            maxLength={40}
            autocomplete="off"
            spellcheck={false}
            placeholder="7K3M-Q9XA-0BCD-EFGH"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        {outcome && "done" in outcome && (
          <p class="success" role="status" data-testid="honour-outcome">
            {st("honour.done", { title: name(outcome.done), code: grouped(outcome.done.code!) })}
          </p>
        )}
        {outcome && "already" in outcome && (
          <p class="error" role="alert" data-testid="honour-outcome">
            {st("honour.already", { at: outcome.already ? formatDateTime(outcome.already, l) : "" })}
          </p>
        )}
        {outcome && "error" in outcome && <ErrorBox error={outcome.error} />}
        <button class="button primary" type="submit" disabled={busy}>
          {st("honour.submit")}
        </button>
        {asking && (
          <ConfirmDialog
            title={st("honour.confirm", { title: name(asking) })}
            confirmLabel={st("honour.confirmYes")}
            cancelLabel={st("honour.confirmNo")}
            onConfirm={() => honour(asking)}
            onCancel={() => setAsking(null)}
          >
            <p>
              {st("honour.confirmWhat", {
                code: grouped(asking.code!),
                points: formatPoints(asking.points!, l),
                at: formatDateTime(asking.redeemed_at!, l),
              })}
            </p>
          </ConfirmDialog>
        )}
      </form>
    </>
  );
}
