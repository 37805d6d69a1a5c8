// A venue's staff: the organisation's venues, and the rotating check-in QR of one of them, shown
// on a phone or a tablet at the venue. The code comes from the server each window (its clock
// decides), drawn with the QR encoder the app already loads on demand.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import type { LowCarbonVenue, VenueCode } from "../../api/types";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { st } from "../messages";
import { Section } from "../ui";

const kindName = (v: LowCarbonVenue): string => st(`venueKind.${v.kind ?? "venue"}` as "venueKind.venue");

export function Venues({ orgId }: { orgId: number }) {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<LowCarbonVenue[]>("GET", `/organisations/${orgId}/venues`, { signal }),
    [orgId],
  );
  return (
    <Section title={st("venues.title")}>
      {loading && !data ? (
        <Loading />
      ) : !data ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : data.length === 0 ? (
        <Empty title={st("venues.empty")} />
      ) : (
        <ul class="list">
          {data.map((v) => (
            <li key={v.id}>
              <a class="list-item" href={`/org/${orgId}/venues/${v.id}`}>
                <span class="list-title">{v.name_zh}</span>
                <span class="list-meta">
                  {v.name_en} · {kindName(v)}
                  {v.active ? "" : ` · ${st("venues.inactive")}`}
                </span>
                <span class="list-value">{st("venues.show")}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The current code as a QR, fetched again when its window ends. */
export function VenueQr({ orgId, venueId }: { orgId: number; venueId: string }) {
  const { data, error, reload } = useLoad(
    (signal) => api<VenueCode>("GET", `/venues/${encodeURIComponent(venueId)}/code`, { signal }),
    [venueId],
  );
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(undefined);
  const url = data?.url;
  useEffect(() => {
    if (!url) return;
    let live = true;
    import("uqr").then(
      ({ renderSVG }) => live && setSvg(renderSVG(url, { border: 2 })),
      (e: unknown) => live && setFailed(e),
    );
    return () => {
      live = false;
    };
  }, [url]);
  useEffect(() => {
    if (data?.expires_in === undefined) return;
    const timer = window.setTimeout(reload, Math.max(data.expires_in, 1) * 1000 + 250);
    return () => clearTimeout(timer);
  }, [data, reload]);
  // A failed refresh keeps trying: the screen stays up at the venue all day.
  useEffect(() => {
    if (error === undefined) return;
    const timer = window.setTimeout(reload, 5000);
    return () => clearTimeout(timer);
  }, [error, reload]);

  const venue = data?.venue;
  return (
    <section class="screen venue-code">
      <p class="hint">
        <a href={`/org/${orgId}?tab=venues`}>{st("venue.back")}</a>
      </p>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!venue ? (
        error === undefined && <Loading />
      ) : (
        <>
          <h1 lang="zh-CN">{venue.name_zh}</h1>
          <p class="hint" lang="en">
            {venue.name_en} · {kindName(venue)}
          </p>
          {!venue.active && <p class="error" role="alert">{st("venue.inactiveCode")}</p>}
          {failed !== undefined && <ErrorBox error={failed} />}
          {svg && (
            <div
              class="qr venue-qr"
              role="img"
              aria-label={st("venue.qrAlt", { name: venue.name_zh ?? "" })}
              data-testid="venue-qr"
              data-url={url}
              dangerouslySetInnerHTML={{ __html: svg }}
            />
          )}
          <p>{st("venue.scanHere")}</p>
          <p class="hint">{st("venue.refreshes", { seconds: data?.window_seconds ?? 60 })}</p>
        </>
      )}
    </section>
  );
}
