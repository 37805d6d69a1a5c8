// A certificate's trace (溯源): each allocation of its grams with the unit's serial number, its
// lot and registry retirement, gathered by lot; for tonnes issued on 点点's registry, the
// project (linked to its public page), monitoring period, verification and issuance. Lots the
// operator imported (the CSV's CCER lots) say plainly that they have no registry origin.
import { api } from "../api/client";
import type { Trace as TraceData, RegistryOrigin } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDate, formatMass, formatPoints, formatTonnes } from "../format";
import { lang } from "../i18n";
import { nameIn, traceGroups, traceTotals, type TraceGroup } from "../projects";
import { here } from "../router";
import { period } from "./Projects";
import { tr } from "./registryMessages";

const UNIT_G = 1_000_000; // one unit is one tonne

export function CertificateTrace({ number }: { number: string }) {
  const k = here.value.query.get("k");
  // Read as the certificate is: its owner, or anyone with the check code printed beside it.
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      api<TraceData>("GET", `/registry/trace/${encodeURIComponent(number)}${k ? `?k=${encodeURIComponent(k)}` : ""}`, { signal }),
    [number, k],
  );
  const back = `/certificates/${encodeURIComponent(number)}${k ? `?k=${encodeURIComponent(k)}` : ""}`;
  let body;
  if (loading && !data) body = <Loading />;
  else if (!data) body = <ErrorBox error={error} onRetry={reload} />;
  else body = <Traced units={data.units ?? []} />;
  return (
    <section class="screen">
      <p>
        <a href={back}>{tr("trace.back")}</a>
      </p>
      <h1>{tr("trace.title")}</h1>
      <p class="hint">{tr("trace.intro", { number })}</p>
      {body}
    </section>
  );
}

function Traced({ units }: { units: NonNullable<TraceData["units"]> }) {
  const l = lang.value;
  if (units.length === 0) return <Empty title={tr("trace.empty")} />;
  const { totalG, registryG } = traceTotals(units);
  return (
    <>
      <div class="card">
        <p class="result-total" data-testid="trace-total">
          {tr("trace.total", { mass: formatMass(totalG, l), n: formatPoints(units.length, l) })}
        </p>
        {registryG > 0 && (
          <p class="result-sub" data-testid="trace-registry">
            {tr("trace.fromRegistry", { mass: formatMass(registryG, l) })}
          </p>
        )}
      </div>
      {traceGroups(units).map((g) => (
        <Lot key={`${g.lotId}-${g.firstSerial}`} group={g} />
      ))}
    </>
  );
}

function Lot({ group: g }: { group: TraceGroup }) {
  const l = lang.value;
  const n = g.allocations.length;
  const first = g.allocations[0];
  return (
    <div class="card" data-testid="trace-lot">
      <h2>{tr("trace.lot", { id: g.lotId })}</h2>
      {first && (
        <p data-testid="trace-lot-project">
          {first.standard} · {nameIn({ name_zh: first.project_name_zh, name_en: first.project_name_en }, l)} ·{" "}
          <span class="mono">{first.project_registry_id}</span>
        </p>
      )}
      <p class="list-meta">{tr("trace.units", { mass: formatMass(g.massG, l), n: formatPoints(n, l) })}</p>
      <dl class="facts">
        <dt>{tr("trace.serials")}</dt>
        <dd class="mono">
          {g.firstSerial}
          {g.firstSerial !== g.lastSerial && (
            <>
              <br />… {g.lastSerial}
            </>
          )}
        </dd>
        <dt>{tr("trace.retirement")}</dt>
        <dd data-testid="trace-retirement">
          {g.registryRef ? tr("trace.retired", { ref: g.registryRef }) : tr("trace.pending")}
        </dd>
        {g.origin && <Origin origin={g.origin} />}
      </dl>
      {!g.origin && (
        <p class="notice" data-testid="no-origin">
          {tr("trace.noOrigin")}
        </p>
      )}
      <details>
        <summary>{tr("trace.allocations", { n: formatPoints(n, l) })}</summary>
        <ul class="list">
          {g.allocations.map((a) => (
            <li key={`${a.serial}-${a.gram_start}`} class="list-item">
              <span class="list-title mono">{a.serial}</span>
              {(a.mass_g ?? 0) < UNIT_G && (
                <span class="list-meta">
                  {tr("trace.allocation", { from: formatPoints(a.gram_start ?? 0, l), to: formatPoints(a.gram_end ?? 0, l) })}
                </span>
              )}
              <span class="list-value">{formatMass(a.mass_g ?? 0, l)}</span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/** The registry's side of a lot, as facts of its card. */
function Origin({ origin: o }: { origin: RegistryOrigin }) {
  const l = lang.value;
  return (
    <>
      <dt>{tr("trace.project")}</dt>
      <dd>
        <a href={`/projects/${o.project_id}`} data-testid="trace-project">
          {nameIn({ name_zh: o.project_name_zh, name_en: o.project_name_en }, l)}
        </a>
      </dd>
      <dt>{tr("trace.monitoring")}</dt>
      <dd>{period(o.period_start, o.period_end)}</dd>
      {o.verified_t != null && (
        <>
          <dt>{tr("trace.verified")}</dt>
          <dd>
            {formatTonnes(o.verified_t, l)}
            {o.verified_at ? ` · ${formatDate(o.verified_at, l)}` : ""}
          </dd>
        </>
      )}
      <dt>{tr("trace.issuance")}</dt>
      <dd class="mono">{o.issuance_serial_range}</dd>
      <dt>{tr("trace.issuedOn")}</dt>
      <dd>{o.issued_at ? formatDate(o.issued_at, l) : ""}</dd>
      <dt>{tr("trace.movedOn")}</dt>
      <dd>{o.moved_to_inventory_at ? formatDate(o.moved_to_inventory_at, l) : ""}</dd>
    </>
  );
}
