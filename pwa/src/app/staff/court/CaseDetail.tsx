// One case: status and progress, 核销, each defendant's purchase link (copy, share, QR), their
// orders, the verifications, the case report and the audit log.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { Audit, Case, Defendant } from "../../api/types";
import { ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime, formatDay, formatMass } from "../../format";
import { lang, tryT } from "../../i18n";
import type { OrgRef } from "../../roles";
import { st } from "../messages";
import { regionName, regionOrder } from "../../provinces";
import { AuthImage, CopyButton, Section } from "../ui";
import { Verify } from "./Verify";

export function CaseDetail({ id, acting }: { id: string; acting: OrgRef[] }) {
  const path = `/court-cases/${encodeURIComponent(id)}`;
  const { data: c, error, loading, reload } = useLoad((signal) => api<Case>("GET", path, { signal }), [id]);
  const [report, setReport] = useState(false);
  if (loading && !c) return <Loading />;
  if (!c) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  const mine = acting.some((o) => o.id === c.court?.id);
  const required = c.required_g ?? 0;
  const verified = c.verified_g ?? 0;
  return (
    <section class="screen">
      <p class="hint">
        <a href="/court">{st("cases.back")}</a>
      </p>
      <h1>{c.number}</h1>
      <div class="card">
        <p class="status-line">
          <span class={`pill ${c.status}`} data-testid="case-status">
            {tryT(`case.${c.status}`)}
          </span>
        </p>
        <label class="progress-label" for="case-progress">
          {st("case.progress", { verified: formatMass(verified, l), required: formatMass(required, l) })}
        </label>
        <progress id="case-progress" max={Math.max(required, 1)} value={Math.min(verified, required)} />
        <dl class="facts">
          <dt>{st("field.court_id")}</dt>
          <dd>{c.court?.name}</dd>
          <dt>{st("field.offence")}</dt>
          <dd>{c.offence}</dd>
          <dt>{st("field.place")}</dt>
          <dd>
            {c.site?.place} · {c.site?.province_name}
          </dd>
          <dt>{st("field.mass_basis")}</dt>
          <dd>
            {st(`basis.${c.mass_basis!}`)} · {formatMass(c.mass_g!, l)}
          </dd>
          <dt>{st("field.deadline")}</dt>
          <dd>{formatDay(c.deadline!, l)}</dd>
          <dt>{st("case.eligible")}</dt>
          <dd>
            {(c.eligible?.standards ?? []).join(" / ")} · {(c.eligible?.types ?? []).map((x) => tryT(`ptype.${x}`)).join(" / ")} ·{" "}
            {[...(c.eligible?.regions ?? [])]
              .sort(regionOrder)
              .map((r) => (r === "CN" ? tryT("purchase.allChina") : regionName(r, l)))
              .join(" / ")}
          </dd>
          {c.fulfilled_at && (
            <>
              <dt>{st("case.fulfilledAt")}</dt>
              <dd>{formatDateTime(c.fulfilled_at, l)}</dd>
            </>
          )}
          {c.closed_at && (
            <>
              <dt>{st("case.closedAt")}</dt>
              <dd>
                {formatDateTime(c.closed_at, l)} {c.closed_reason}
              </dd>
            </>
          )}
        </dl>
      </div>
      {mine && c.status !== "closed" && <Verify caseId={c.id!} caseNumber={c.number!} onVerified={reload} />}
      <Section title={st("case.defendants")}>
        {(c.defendants ?? []).map((d) => (
          <DefendantCard key={d.id} caseId={c.id!} caseNumber={c.number!} d={d} />
        ))}
      </Section>
      <Section title={st("case.verifications")}>
        {(c.verifications ?? []).length === 0 ? (
          <p class="hint">{st("case.noVerifications")}</p>
        ) : (
          <ul class="lines">
            {c.verifications!.map((v) => (
              <li key={v.certificate_number}>
                <span>
                  <a href={`/certificates/${v.certificate_number}`}>{v.certificate_number}</a> ·{" "}
                  {c.defendants?.find((d) => d.id === v.defendant_id)?.name}
                </span>
                <span>
                  {formatMass(v.mass_g!, l)} · {v.verified_by?.display_name} · {formatDateTime(v.verified_at!, l)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={st("case.report")}>
        {report ? (
          <AuthImage path={`${path}/report.png`} alt={st("case.reportAlt", { number: c.number! })} download={`${c.number}.png`} />
        ) : (
          <button class="button secondary" type="button" onClick={() => setReport(true)}>
            {st("case.showReport")}
          </button>
        )}
      </Section>
      <AuditLog path={`${path}/audit`} />
    </section>
  );
}

function DefendantCard(props: { caseId: string; caseNumber: string; d: Defendant }) {
  const { d } = props;
  const [qr, setQr] = useState(false);
  const [shared, setShared] = useState(false);
  const l = lang.value;
  const url = d.purchase_url!;

  async function share(): Promise<void> {
    try {
      await navigator.share({ title: st("case.shareTitle", { number: props.caseNumber, name: d.name! }), url });
      setShared(true);
    } catch {
      // cancelled: nothing to say
    }
  }

  return (
    <article class="endpoint" aria-label={d.name}>
      <p class="list-title">
        {d.position}. {d.name} {d.phone ? <span class="hint">{d.phone}</span> : null}
      </p>
      <p class="hint">
        {d.required_g != null && `${st("case.owes", { mass: formatMass(d.required_g, l) })} · `}
        {st("case.boughtVerified", { bought: formatMass(d.bought_g ?? 0, l), verified: formatMass(d.verified_g ?? 0, l) })}
      </p>
      <p class="mono" data-testid="purchase-url">
        {url}
      </p>
      <div class="actions">
        <CopyButton text={url} label={st("case.copyLink")} />
        {"share" in navigator && (
          <button class="button secondary" type="button" onClick={share}>
            {st("case.share")}
          </button>
        )}
        <button class="button secondary" type="button" aria-expanded={qr} onClick={() => setQr(!qr)}>
          {qr ? st("case.hideQr") : st("case.showQr")}
        </button>
      </div>
      {shared && <p role="status">{st("case.shared")}</p>}
      {qr && (
        <AuthImage
          class="qr-image"
          path={`/court-cases/${encodeURIComponent(props.caseId)}/defendants/${d.id}/qr.png`}
          alt={st("case.qrAlt", { name: d.name! })}
          download={`${props.caseNumber}-${d.position}.png`}
        />
      )}
      {(d.orders ?? []).length > 0 && (
        <ul class="lines">
          {d.orders!.map((o) => (
            <li key={o.order_id}>
              <span>
                {tryT(`order.${o.status}`)} · {formatMass(o.mass_g!, l)}
              </span>
              <span class="mono">{o.certificate_number ?? ""}</span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function AuditLog({ path }: { path: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{st("case.audit")}</summary>
      {open && <AuditEntries path={path} />}
    </details>
  );
}

function AuditEntries({ path }: { path: string }) {
  const { data, error, loading, reload } = useLoad((signal) => api<Audit>("GET", path, { signal }), [path]);
  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  return (
    <ol class="audit">
      {(data.items ?? []).map((a) => (
        <li key={a.id}>
          <strong>{tryT(`audit.${a.action}`)}</strong> · {a.actor?.display_name ?? st("case.system")} ·{" "}
          {formatDateTime(a.at!, l)}
          {typeof a.details?.certificate_number === "string" && ` · ${a.details.certificate_number}`}
          {typeof a.details?.reason === "string" && ` · ${tryT(`refusal.${a.details.reason}`)}`}
        </li>
      ))}
    </ol>
  );
}
