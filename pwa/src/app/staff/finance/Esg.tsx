// The organisation's ESG section (a lazy chunk): a preview of its disclosure as the public would
// see it, publish or withdraw (its admins, confirmed), and the PDF.
import { useState } from "preact/hooks";
import { me } from "../../account";
import { api, download } from "../../api/client";
import { ErrorBox } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { adminOrgs } from "../../roles";
import { Section, States } from "../ui";
import { Confirmed } from "../registry/shared";
import { gt } from "./greenMessages";
import type { Esg, EsgPublicationState } from "./greenTypes";

export function Desk({ path }: { path: string }) {
  const orgId = Number(path.split("/")[2]);
  const l = lang.value;
  const page = useLoad((signal) => api<Esg>("GET", `/finance/organisations/${orgId}/esg?lang=${l}`, { signal }), [orgId, l]);
  const admin = adminOrgs(me.value).some((o) => o.id === orgId);
  const [done, setDone] = useState("");
  const [failed, setFailed] = useState<unknown>(undefined);
  const publish = (published: boolean) => async (): Promise<void> => {
    await api<EsgPublicationState>("POST", `/finance/organisations/${orgId}/esg/publication`, { body: { published } });
    setDone(gt("gr.published"));
    page.reload();
  };
  const pdf = async (): Promise<void> => {
    setFailed(undefined);
    try {
      await download(`/finance/organisations/${orgId}/esg.pdf?lang=${l}`, `ESG-${orgId}.pdf`);
    } catch (e) {
      setFailed(e);
    }
  };
  return (
    <States load={page}>
      {(v) => (
        <>
          <Section title={gt("gr.esg")}>
            <p data-testid="esg-status">{v.published ? gt("gr.esgPublished") : gt("gr.esgUnpublished")}</p>
            {done && (
              <p class="success" role="status" data-testid="esg-done">
                {done}
              </p>
            )}
            <div class="actions">
              {admin &&
                (v.published ? (
                  <Confirmed label={gt("gr.unpublish")} title={gt("gr.unpublishConfirm")} yes={gt("gr.unpublish")} danger testId="esg-unpublish" onConfirm={publish(false)}>
                    <p>{gt("gr.unpublishText")}</p>
                  </Confirmed>
                ) : (
                  <Confirmed label={gt("gr.publish")} title={gt("gr.publishConfirm")} yes={gt("gr.publish")} testId="esg-publish" onConfirm={publish(true)}>
                    <p>{gt("gr.publishText")}</p>
                  </Confirmed>
                ))}
              <button class="button secondary" type="button" onClick={() => void pdf()} data-testid="esg-pdf">
                {gt("gr.pdf")}
              </button>
              {v.published && (
                <a class="button secondary" href={`/finance/esg/${orgId}`}>
                  {gt("gr.publicLink")}
                </a>
              )}
            </div>
            {!admin && <p class="hint">{gt("gr.adminsPublish")}</p>}
            {failed !== undefined && <ErrorBox error={failed} />}
          </Section>
          <EsgBody v={v} />
        </>
      )}
    </States>
  );
}

/** The disclosure's sections, each with its source (the desk's preview and the public page). */
export function EsgBody({ v }: { v: Esg }) {
  const none = gt("gr.nothing");
  const src = (key: string) => <p class="hint">{gt("gr.source", { source: v.sources?.[key] ?? "" })}</p>;
  return (
    <div data-testid="esg-body">
      <Section title={gt("gr.neutral")}>
        <p>{gt("gr.ordersRetired", { n: String(v.orders_retired ?? 0), t: v.neutralised_t ?? "0" })}</p>
        <p>{gt("gr.certificates", { list: (v.certificates ?? []).join("、") || none })}</p>
        {src("neutralisations")}
      </Section>
      <Section title={gt("gr.retired")}>
        <ul class="list">
          {(v.retired ?? []).map((r) => (
            <li key={r.registry_id}>{gt("gr.retiredLine", { standard: r.standard!, project: r.project!, id: r.registry_id!, t: r.tonnes! })}</li>
          ))}
        </ul>
        {(v.retired ?? []).length === 0 && <p>{none}</p>}
        {src("retired")}
      </Section>
      <Section title={gt("gr.registry")}>
        <ul class="list">
          {(v.registry ?? []).map((r) => (
            <li key={r.id}>{gt("gr.registryLine", { project: r.project!, methodology: r.methodology!, state: r.state!, t: String(r.issued_t) })}</li>
          ))}
        </ul>
        {(v.registry ?? []).length === 0 && <p>{none}</p>}
        {src("registry")}
      </Section>
      <Section title={gt("gr.listed")}>
        <ul class="list">
          {(v.listed ?? []).map((r) => (
            <li key={r.id}>
              {gt("gr.listedLine", { project: r.project!, kind: r.kind!, taxonomy: r.taxonomy!, t: r.avoided_t_per_year!, method: r.method! })}
              <details>
                <summary>{gt("gr.trail")}</summary>
                <p>{r.trail}</p>
              </details>
            </li>
          ))}
        </ul>
        <p>{gt("gr.avoidedTotal", { t: v.avoided_t_per_year ?? "0" })}</p>
        <p>{gt("gr.enterprise", { list: (v.enterprise_listings ?? []).join("；") || none })}</p>
        {src("listed")}
      </Section>
    </div>
  );
}
