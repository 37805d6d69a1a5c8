// My certificates, newest first.
import { api } from "../api/client";
import type { CertificatePage } from "../api/types";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDay, formatMass } from "../format";
import { lang, t } from "../i18n";
import { purposeText } from "../purpose";

export function Certificates() {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<CertificatePage>("GET", "/certificates?limit=50", { signal }),
    [],
  );
  if (loading) return <Loading />;
  if (error !== undefined || !data) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{t("certs.title")}</h1>
      {(data.items ?? []).length === 0 ? (
        <Empty title={t("certs.empty")}>
          <a class="button primary" href="/neutralise/meeting">
            {t("certs.start")}
          </a>
        </Empty>
      ) : (
        <ul class="list">
          {data.items!.map((c) => (
            <li key={c.number}>
              <a class="list-item" href={`/certificates/${c.number}`}>
                <span class="list-title">{purposeText(c.purpose_detail, c.purpose) || c.beneficiary}</span>
                <span class="list-meta">
                  {c.number} · {formatDay(c.issued_on!, l)}
                  {c.status === "revoked" ? ` · ${t("cert.revokedShort")}` : ""}
                </span>
                <span class="list-value">{formatMass(c.mass_g!, l)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
