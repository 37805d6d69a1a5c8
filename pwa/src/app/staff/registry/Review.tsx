// The review desk: projects to validate (opened on their page), monitoring reports to verify,
// verified reports to issue from, and holders' offers to accept into the inventory. Operators see
// all four; a verifier account sees the reports of other organisations' projects.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { InventoryOffer, RegistryIssuance, RegistryReport, ReviewQueue } from "../../api/types";
import { useLoad } from "../../components/useLoad";
import { formatDay } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { fenFromYuan } from "../sponsorForms";
import { Section, States } from "../ui";
import { tonnesFrom } from "./forms";
import { rt } from "./messages";
import { Confirmed, Field, WithReason, projectName, tonnes, yuan } from "./shared";

export function Review({ base }: { base: string }) {
  const queue = useLoad((signal) => api<ReviewQueue>("GET", "/registry/review", { signal }), []);
  const [done, setDone] = useState("");
  const l = lang.value;
  const finished = (text: string) => {
    setDone(text);
    queue.reload();
  };
  const empty = (q: ReviewQueue) =>
    [q.projects, q.reports, q.issuable, q.offers].every((xs) => (xs ?? []).length === 0);
  return (
    <>
      {done && (
        <p class="success" role="status" data-testid="review-done">
          {done}
        </p>
      )}
      <States load={queue} empty={empty} emptyTitle={rt("rg.queueEmpty")}>
        {(q) => (
          <>
            {(q.projects ?? []).length > 0 && (
              <Section title={rt("rg.toValidate")}>
                <ul class="list" data-testid="to-validate">
                  {q.projects!.map((p) => (
                    <li key={p.id}>
                      <a class="list-item" href={`${base}&project=${p.id}`}>
                        <span class="list-title">{projectName(p, l)}</span>
                        <span class="list-meta">{rt("rg.open.project")}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </Section>
            )}
            {(q.reports ?? []).length > 0 && (
              <Section title={rt("rg.toVerify")}>
                <ul class="list" data-testid="to-verify">
                  {q.reports!.map((r) => (
                    <Verify key={r.id} report={r} onDone={finished} />
                  ))}
                </ul>
              </Section>
            )}
            {(q.issuable ?? []).length > 0 && (
              <Section title={rt("rg.toIssue")}>
                <ul class="list" data-testid="to-issue">
                  {q.issuable!.map((r) => (
                    <Issue key={r.id} report={r} onDone={finished} />
                  ))}
                </ul>
              </Section>
            )}
            {(q.offers ?? []).length > 0 && (
              <Section title={rt("rg.toAccept")}>
                <ul class="list" data-testid="to-accept">
                  {q.offers!.map((o) => (
                    <Accept key={o.id} offer={o} onDone={finished} />
                  ))}
                </ul>
              </Section>
            )}
          </>
        )}
      </States>
    </>
  );
}

function Verify({ report: r, onDone }: { report: RegistryReport; onDone: (text: string) => void }) {
  const [text, setText] = useState(String(r.claimed_t));
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const n = tonnesFrom(text);
  const review = (body: object) => async (): Promise<void> => {
    try {
      await api("POST", `/registry/reports/${r.id}/transitions`, { body: { verified_t: null, reason: null, ...body } });
      onDone(rt("rg.done"));
    } catch (e) {
      setError(e);
      throw e;
    }
  };
  const period = { start: formatDay(r.period_start!, l), end: formatDay(r.period_end!, l) };
  return (
    <li class="endpoint">
      <p class="list-title">{projectName(r, l)}</p>
      <p>{rt("rg.reportLine", { ...period, claimed: tonnes(r.claimed_t!, l) })}</p>
      <Field id={`verify-${r.id}`} label={rt("rg.verifiedT")} field="verified_t" value={text} onInput={setText} errors={errors} extra={{ inputMode: "numeric" }} />
      <div class="actions">
        <Confirmed label={rt("rg.verify")} title={rt("rg.verifyConfirm", { tonnes: n ? tonnes(n, l) : "" })} yes={rt("rg.verifyYes")} disabled={!n} testId="verify" onConfirm={review({ to: "verified", verified_t: n })}>
          <p>{rt("rg.verifyText", { project: projectName(r, l), ...period, claimed: tonnes(r.claimed_t!, l) })}</p>
        </Confirmed>
        <WithReason label={rt("rg.reject")} yes={rt("rg.rejectYes")} testId={`reject-report-${r.id}`} onConfirm={(reason) => review({ to: "rejected", reason })()} />
      </div>
    </li>
  );
}

function Issue({ report: r, onDone }: { report: RegistryReport; onDone: (text: string) => void }) {
  const left = r.verified_t! - r.issued_t!;
  const [text, setText] = useState(String(left));
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const n = tonnesFrom(text);
  const issue = async (): Promise<void> => {
    try {
      const got = await api<RegistryIssuance>("POST", `/registry/reports/${r.id}/issuances`, { body: { tonnes: n } });
      onDone(rt("rg.issued", { tonnes: tonnes(got.tonnes!, l), serial: got.serial_range! }));
    } catch (e) {
      setError(e);
      throw e;
    }
  };
  return (
    <li class="endpoint">
      <p>{rt("rg.issueLeft", { project: projectName(r, l), vintage: String(r.vintage), verified: tonnes(r.verified_t!, l), left: tonnes(left, l) })}</p>
      <Field id={`issue-${r.id}`} label={rt("rg.issueTonnes")} field="tonnes" value={text} onInput={setText} errors={errors} extra={{ inputMode: "numeric" }} />
      <Confirmed label={rt("rg.issue")} title={rt("rg.issueConfirm", { tonnes: n ? tonnes(n, l) : "" })} yes={rt("rg.issueYes")} disabled={!n} testId="issue" onConfirm={issue}>
        <p>{rt("rg.issueText")}</p>
      </Confirmed>
    </li>
  );
}

function Accept({ offer: o, onDone }: { offer: InventoryOffer; onDone: (text: string) => void }) {
  const [price, setPrice] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const sale = fenFromYuan(price);
  const decide = (path: string, body: object) => async (): Promise<void> => {
    try {
      await api("POST", `/registry/offers/${o.id}/${path}`, { body });
      onDone(rt("rg.done"));
    } catch (e) {
      setError(e);
      throw e;
    }
  };
  const line = { project: projectName(o, l), vintage: String(o.vintage), tonnes: tonnes(o.tonnes!, l), price: yuan(o.price_fen_per_t!, l) };
  return (
    <li class="endpoint">
      <p>{rt("rg.offerLine", line)}</p>
      <Field id={`sale-${o.id}`} label={rt("rg.accept.price")} field="price_fen_per_t" value={price} onInput={setPrice} errors={errors} extra={{ inputMode: "decimal", placeholder: "60.00" }} />
      <div class="actions">
        <Confirmed label={rt("rg.acceptOffer")} title={rt("rg.acceptConfirm", { tonnes: line.tonnes })} yes={rt("rg.acceptYes")} disabled={sale === null} testId="accept-offer" onConfirm={decide("acceptance", { price_fen_per_t: sale })}>
          <p>{rt("rg.acceptText", { price: line.price, total: yuan(o.price_fen_per_t! * o.tonnes!, l), sale: yuan(sale ?? 0, l) })}</p>
        </Confirmed>
        <WithReason label={rt("rg.decline")} yes={rt("rg.declineYes")} testId={`decline-${o.id}`} onConfirm={(reason) => decide("closure", { reason })()} />
      </div>
    </li>
  );
}
