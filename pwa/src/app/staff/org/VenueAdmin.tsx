// The operator's venues (a lazy chunk of its own): choose an organisation, see its low-carbon
// venues, add one, and deactivate one after a confirmation (or resume its check-ins).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { LowCarbonVenue, Organisation } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { st } from "../messages";
import { FieldError, FormEnd, OrgSelect, Section, States, invalid, useSubmit } from "../ui";

const KINDS = ["venue", "greenway", "linpan", "park"] as const;

export function Desk() {
  const orgs = useLoad((signal) => api<Organisation[]>("GET", "/organisations", { signal }), []);
  const [picked, setPicked] = useState("");
  if (orgs.loading && !orgs.data) return <Loading />;
  if (!orgs.data) return <ErrorBox error={orgs.error} onRetry={orgs.reload} />;
  const candidates = orgs.data.filter((o) => o.kind !== "court");
  const chosen = candidates.find((o) => String(o.id) === picked) ?? candidates[0];
  if (!chosen) return <Empty title={st("org.none")} />;
  return (
    <>
      <OrgSelect id="venue-org" label={st("va.choose")} orgs={candidates} value={chosen.id} onChange={setPicked} />
      <OrgVenues key={chosen.id} orgId={chosen.id!} />
    </>
  );
}

function OrgVenues({ orgId }: { orgId: number }) {
  const list = useLoad((signal) => api<LowCarbonVenue[]>("GET", `/organisations/${orgId}/venues`, { signal }), [orgId]);
  const [asking, setAsking] = useState<LowCarbonVenue | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState<string | null>(null);

  async function setActive(v: LowCarbonVenue, active: boolean): Promise<void> {
    setError(undefined);
    setBusy(v.id!);
    try {
      await api("PATCH", `/venues/${encodeURIComponent(v.id!)}`, { body: { active } });
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
      setAsking(null);
    }
  }

  return (
    <>
      <Section title={st("va.title")}>
        <States load={list} empty={(d) => d.length === 0} emptyTitle={st("venues.empty")}>
          {(venues) => (
            <ul class="list">
              {venues.map((v) => (
                <li key={v.id} class="endpoint">
                  <p class="list-title">{v.name_zh}</p>
                  <p class="hint">
                    {v.name_en} · {st(`venueKind.${v.kind ?? "venue"}` as "venueKind.venue")}
                    {v.active ? "" : ` · ${st("venues.inactive")}`}
                  </p>
                  <button
                    class={`button secondary${v.active ? " danger" : ""}`}
                    type="button"
                    disabled={busy === v.id}
                    onClick={() => (v.active ? setAsking(v) : void setActive(v, true))}
                  >
                    {busy === v.id ? st("busy") : v.active ? st("va.deactivate") : st("va.activate")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </States>
        {error !== undefined && <ErrorBox error={error} />}
      </Section>
      <NewVenue orgId={orgId} onDone={list.reload} />
      {asking && (
        <ConfirmDialog
          title={st("va.confirm", { name: asking.name_zh ?? "" })}
          confirmLabel={st("va.confirmYes")}
          cancelLabel={st("cancel")}
          danger
          onConfirm={() => setActive(asking, false)}
          onCancel={() => setAsking(null)}
        >
          <p>{st("va.confirmWhat")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function NewVenue({ orgId, onDone }: { orgId: number; onDone: () => void }) {
  const [nameZh, setNameZh] = useState("");
  const [nameEn, setNameEn] = useState("");
  const [kind, setKind] = useState<(typeof KINDS)[number]>("venue");
  const sent = useSubmit();
  const errors = fieldErrors(sent.error, lang.value);
  const submit = sent.submit(async () => {
    const body = { name_zh: nameZh.trim(), name_en: nameEn.trim(), kind };
    const v = await api<LowCarbonVenue>("POST", `/organisations/${orgId}/venues`, { body });
    setNameZh("");
    setNameEn("");
    onDone();
    return st("va.created", { name: v.name_zh ?? "" });
  });

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <h2>{st("va.new")}</h2>
      <label class="field" for="venue-name-zh">
        <span>{st("field.name_zh")}</span>
        <input id="venue-name-zh" maxLength={100} value={nameZh} onInput={(e) => setNameZh(e.currentTarget.value)} {...invalid("name_zh", errors)} />
        <FieldError name="name_zh" errors={errors} />
      </label>
      <label class="field" for="venue-name-en">
        <span>{st("field.name_en")}</span>
        <input id="venue-name-en" lang="en" maxLength={100} value={nameEn} onInput={(e) => setNameEn(e.currentTarget.value)} {...invalid("name_en", errors)} />
        <FieldError name="name_en" errors={errors} />
      </label>
      <label class="field" for="venue-kind">
        <span>{st("field.kind")}</span>
        <select id="venue-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {st(`venueKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <FormEnd sent={sent} errors={errors} label={st("va.create")} />
    </form>
  );
}
