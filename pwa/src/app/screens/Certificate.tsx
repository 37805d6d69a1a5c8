// One certificate: its image, save and share, a QR of its verify link to show on a screen, and
// for an event, meeting, venue or hearing its statement and accounting report (PDF).
// Its owner (signed in) reads it in full; anyone else needs its check code (`?k=` here too).
// A signed-in person's own certificate is kept on the device when opened (JSON in IndexedDB, the
// image in the "diandian-mine" cache) and shown from there, marked as a copy, when offline.
import { useEffect, useState } from "preact/hooks";
import { api, download } from "../api/client";
import { explain } from "../api/problem";
import type { Certificate as Cert } from "../api/types";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime, formatDay, formatMass } from "../format";
import { lang, t, tryT } from "../i18n";
import { keepImage, keptImage, unreachable } from "../offline/personal";
import { saveCertificate, savedCertificate } from "../offline/store";
import { here } from "../router";
import { session } from "../session";
import { shareCertificate, type Shared } from "../share";
import { purposeText } from "../purpose";

/** The image as the caller may see it: with their token (a judicial certificate's owner sees
 * the full name, the public a masked one), as a local object URL. The person's own (`keep`) is
 * kept on the device, and read from there when the network fails. `missing`: offline, not kept. */
function useImage(png: string | null, keep: boolean): { src: string | null; missing: boolean } {
  const [src, setSrc] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!png) return;
    const ctrl = new AbortController();
    const token = session.value?.token;
    let url: string | null = null;
    const show = (b: Blob): void => {
      if (!ctrl.signal.aborted) setSrc((url = URL.createObjectURL(b)));
    };
    setMissing(false);
    fetch(png, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: ctrl.signal })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
      .then((b) => {
        show(b);
        if (keep) void keepImage(png, b).catch(() => undefined);
      })
      .catch(async () => {
        if (ctrl.signal.aborted) return;
        const kept = keep ? await keptImage(png).catch(() => undefined) : undefined;
        if (kept) show(kept);
        else if (!navigator.onLine) setMissing(true);
        else if (!ctrl.signal.aborted) setSrc(png); // let the browser try the link itself
      });
    return () => {
      ctrl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [png, keep]);
  return { src, missing };
}

/** A certificate from the API, or (the person's own, the network failing) the copy kept here. */
interface Loaded {
  cert: Cert;
  savedAt: string | null;
}

async function loadCertificate(
  number: string,
  code: string,
  mine: boolean,
  signal: AbortSignal,
): Promise<Loaded> {
  const path = withQuery(`/certificates/${encodeURIComponent(number)}`, code);
  try {
    const cert = await api<Cert>("GET", path, { signal });
    if (mine) void saveCertificate(number, cert).catch(() => undefined);
    return { cert, savedAt: null };
  } catch (e) {
    if (!mine || !unreachable(e)) throw e;
    const saved = await savedCertificate<Cert>(number).catch(() => undefined);
    if (!saved) throw e;
    return { cert: saved.data, savedAt: saved.savedAt };
  }
}

/** Footprints a certificate has a statement and report for. */
const REPORTED = new Set(["event", "meeting", "venue", "hearing"]);
type Pdf = "statement" | "report";

/** The owner's downloads of the statement and the report, each fetched with the token. */
function Documents({ number }: { number: string }) {
  const [busy, setBusy] = useState<Pdf | null>(null);
  const [error, setError] = useState<string | null>(null);
  const l = lang.value;

  async function get(pdf: Pdf): Promise<void> {
    setBusy(pdf);
    setError(null);
    try {
      const path = `/certificates/${encodeURIComponent(number)}/${pdf}.pdf?lang=${l}`;
      await download(path, `${number}-${pdf}.pdf`);
    } catch (e) {
      setError(explain(e, l).message);
    } finally {
      setBusy(null);
    }
  }

  const button = (pdf: Pdf, label: string) => (
    <button
      class="button secondary"
      type="button"
      data-testid={`${pdf}-pdf`}
      disabled={busy !== null}
      aria-busy={busy === pdf}
      onClick={() => get(pdf)}
    >
      {busy === pdf ? t("cert.pdfLoading") : label}
    </button>
  );
  return (
    <>
      <h2>{t("cert.documents")}</h2>
      <div class="actions">
        {button("statement", t("cert.statementPdf"))}
        {button("report", t("cert.reportPdf"))}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** `url` with `query` appended (none when it is empty). */
const withQuery = (url: string, query: string): string =>
  query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;

export function Certificate({ number }: { number: string }) {
  const k = here.value.query.get("k");
  const code = k ? `k=${encodeURIComponent(k)}` : "";
  // Kept for offline use: what the signed-in person opens as theirs (not a look-up by check code).
  const mine = !!session.value && !k;
  const { data, error, loading, reload } = useLoad(
    (signal) => loadCertificate(number, code, mine, signal),
    [number, code, mine],
  );
  const cert = data?.cert;
  const [qr, setQr] = useState<string | null>(null);
  const [shared, setShared] = useState<Shared | null>(null);
  const png = cert?.png_url ? withQuery(cert.png_url, "size=1240") : null;
  const { src, missing } = useImage(png, mine);
  if (loading) return <Loading />;
  if (error !== undefined || !cert || !png) return <ErrorBox error={error} onRetry={reload} />;
  const l = lang.value;
  const image: string = src ?? png;
  const owner =
    !!session.value &&
    !k &&
    cert.footprint_mass_g != null &&
    REPORTED.has(cert.purpose_detail?.kind ?? "");
  const title = t("cert.shareTitle", { number: cert.number! });
  const text = t("cert.shareText", {
    beneficiary: cert.beneficiary!,
    mass: formatMass(cert.mass_g!, l),
  });

  async function showQr(): Promise<void> {
    const { renderSVG } = await import("uqr");
    setQr(renderSVG(cert!.verify_url!, { border: 2 }));
  }

  async function share(): Promise<void> {
    setShared(
      await shareCertificate({
        title,
        text,
        url: cert!.verify_url!,
        filename: `${cert!.number}.png`,
        image: () => fetch(image).then((r) => r.blob()),
      }),
    );
  }

  return (
    <section class="screen">
      <h1>{t("cert.title")}</h1>
      {data?.savedAt && (
        <p class="notice" data-testid="saved-copy">
          {t("offline.savedCopy", { at: formatDateTime(data.savedAt, l) })}
        </p>
      )}
      {cert.judicial && (
        <p class="notice" data-testid="judicial">
          {t("cert.judicial")}
        </p>
      )}
      {cert.sandbox && <p class="notice">{t("cert.sandbox")}</p>}
      {cert.status === "revoked" && (
        <p class="error" role="alert">
          {t("cert.revoked", { reason: cert.revoked_reason ?? "" })}
        </p>
      )}
      {missing && <p class="notice">{t("offline.noImage")}</p>}
      <img
        class="cert-image"
        src={src ?? undefined}
        width={1240}
        height={1754}
        alt={t("cert.imageAlt", { number: cert.number!, beneficiary: cert.beneficiary! })}
      />
      <div class="actions">
        <a class="button primary" href={image} download={`${cert.number}.png`}>
          {t("cert.save")}
        </a>
        <button class="button secondary" type="button" onClick={share}>
          {t("cert.share")}
        </button>
        <button class="button secondary" type="button" onClick={showQr}>
          {t("cert.showQr")}
        </button>
      </div>
      {shared === "copied" && <p role="status">{t("cert.copied")}</p>}
      {shared === "unsupported" && (
        <p role="status">
          {t("cert.copyThis")} <span class="mono">{cert.verify_url}</span>
        </p>
      )}
      {qr && (
        <div class="qr-overlay" role="dialog" aria-modal="true" aria-label={t("cert.qrTitle")}>
          <div class="qr-box">
            <div class="qr" data-testid="qr" dangerouslySetInnerHTML={{ __html: qr }} />
            <p>{t("cert.qrHint", { number: cert.number! })}</p>
            <button class="button primary" type="button" autoFocus onClick={() => setQr(null)}>
              {t("action.close")}
            </button>
          </div>
        </div>
      )}
      <div class="card">
        <dl class="facts">
          <dt>{t("cert.number")}</dt>
          <dd data-testid="cert-number">{cert.number}</dd>
          <dt>{t("cert.checkCode")}</dt>
          <dd class="mono">{cert.check_code}</dd>
          <dt>{t("field.beneficiary")}</dt>
          <dd>{cert.beneficiary}</dd>
          <dt>{t("checkout.purpose")}</dt>
          <dd data-testid="purpose">{purposeText(cert.purpose_detail, cert.purpose)}</dd>
          <dt>{t("checkout.mass")}</dt>
          <dd>{formatMass(cert.mass_g!, l)} CO₂e</dd>
          <dt>{t("cert.issued")}</dt>
          <dd>{formatDay(cert.issued_on!, l)}</dd>
        </dl>
        <h2>{t("checkout.credits")}</h2>
        <ul class="lines">
          {(cert.credits ?? []).map((c) => (
            <li key={c.serials}>
              <span>
                {c.standard} · {l === "zh" ? c.project_name_zh : c.project_name_en} · {c.vintage}
              </span>
              <span>
                {formatMass(c.mass_g!, l)} · {tryT(`registry.${c.registry_status}`)}
              </span>
            </li>
          ))}
        </ul>
        {owner && <Documents number={cert.number!} />}
        <a href={cert.verify_url}>{t("cert.verifyPage")}</a>
      </div>
      <p>
        <a href={withQuery(`/certificates/${encodeURIComponent(cert.number!)}/trace`, code)} data-testid="to-trace">
          {t("cert.trace")}
        </a>
      </p>
    </section>
  );
}
