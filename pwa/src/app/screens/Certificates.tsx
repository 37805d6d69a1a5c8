// My certificates, newest first. Offline (or the server failing), the ones kept on this device
// (opened before, see Certificate.tsx), each marked as an offline copy.
import { useEffect } from "preact/hooks";
import { api } from "../api/client";
import type { CertificatePage } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatDay, formatMass } from "../format";
import { lang, t } from "../i18n";
import { unreachable } from "../offline/personal";
import { savedCertificates, type Saved } from "../offline/store";
import { purposeText } from "../purpose";

type Summary = NonNullable<CertificatePage["items"]>[number];

interface Listed {
  items: Summary[];
  /** When each was saved here, by number. */
  saved: Map<string, string>;
  /** The list is what is kept here: the API could not be reached. */
  offline: boolean;
}

async function list(signal: AbortSignal): Promise<Listed> {
  const kept = await savedCertificates<Summary>().catch(() => new Map<string, Saved<Summary>>());
  const saved = new Map([...kept].map(([n, s]) => [n, s.savedAt]));
  try {
    const page = await api<CertificatePage>("GET", "/certificates?limit=50", { signal });
    return { items: page.items ?? [], saved, offline: false };
  } catch (e) {
    if (!unreachable(e)) throw e;
    const items = [...kept.values()]
      .map((s) => s.data)
      .sort((a, b) => (b.issued_at ?? "").localeCompare(a.issued_at ?? ""));
    return { items, saved, offline: true };
  }
}

export function Certificates() {
  const { data, error, loading, reload } = useLoad(list, []);
  // Back online: the list from the API again.
  useEffect(() => {
    addEventListener("online", reload);
    return () => removeEventListener("online", reload);
  }, [reload]);
  if (loading) return <Loading />;
  if (error !== undefined || !data) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{t("certs.title")}</h1>
      {data.offline && (
        <p class="notice" data-testid="certs-offline">
          {t(data.items.length ? "certs.offline" : "certs.offlineNone")}
        </p>
      )}
      {data.items.length === 0 ? (
        !data.offline && (
          <Empty title={t("certs.empty")}>
            <a class="button primary" href="/neutralise/meeting">
              {t("certs.start")}
            </a>
          </Empty>
        )
      ) : (
        <ul class="list">
          {data.items.map((c) => {
            const savedAt = data.saved.get(c.number!);
            return (
              <li key={c.number}>
                <a class="list-item" href={`/certificates/${c.number}`}>
                  <span class="list-title">{purposeText(c.purpose_detail, c.purpose) || c.beneficiary}</span>
                  <span class="list-meta">
                    {c.number} · {formatDay(c.issued_on!, l)}
                    {c.status === "revoked" ? ` · ${t("cert.revokedShort")}` : ""}
                  </span>
                  {savedAt && (
                    <span class="list-meta list-saved" data-testid="saved-here">
                      {data.offline
                        ? t("offline.savedCopy", { at: formatDateTime(savedAt, l) })
                        : t("certs.savedHere")}
                    </span>
                  )}
                  <span class="list-value">{formatMass(c.mass_g!, l)}</span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
