// The operator's points desk (a lazy chunk of its own): every sponsor's budget, enrolling an
// organisation as a sponsor, and recording a funding (money to the fen, or credits of a project
// to the gram) after a confirmation that names the points it grants, since it cannot be undone.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { Budget, Funding, FundingRequest, Organisation, Project, SponsorList } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBox } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatMass, formatMoney, formatPoints } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { st } from "../messages";
import { fundingBody, fundingPoints, type FundingForm } from "../sponsorForms";
import { FieldError, FormEnd, OrgSelect, Section, States, invalid, useSubmit } from "../ui";

export function Desk() {
  const list = useLoad((signal) => api<SponsorList>("GET", "/sponsors", { signal }), []);
  const [funding, setFunding] = useState<number | null>(null);
  const l = lang.value;
  const items = list.data?.items ?? [];
  const fundThis = (id: number): void => {
    setFunding(id);
    requestAnimationFrame(() => document.getElementById("fund")?.scrollIntoView());
  };
  return (
    <>
      <Section title={st("sp.title")}>
        <States load={list} empty={(d) => (d.items ?? []).length === 0} emptyTitle={st("sp.empty")}>
          {() => (
            <ul class="list" data-testid="sponsor-budgets">
              {items.map((b) => (
                <li key={b.organisation_id} class="endpoint">
                  <p class="list-title">{b.name}</p>
                  <p class="hint">
                    {st("sp.funded", {
                      points: formatPoints(b.funded_points!, l),
                      money: formatMoney(b.funded_fen!, "CNY", l),
                      mass: formatMass(b.funded_credits_g!, l),
                    })}
                  </p>
                  <p class="hint">
                    {st("sp.spent", {
                      points: formatPoints(b.spent_points!, l),
                      n: formatPoints(b.redemptions!, l),
                      left: formatPoints(b.funded_points! - b.spent_points!, l),
                    })}
                  </p>
                  {b.funded_credits_g! > 0 && (
                    <p class="hint">{st("sp.creditsLeft", { mass: formatMass(b.credits_left_g!, l) })}</p>
                  )}
                  <button class="button secondary" type="button" onClick={() => fundThis(b.organisation_id!)}>
                    {st("sp.fundThis")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </States>
      </Section>
      {list.data && items.length > 0 && (
        <Fund
          key={funding}
          sponsors={items}
          rate={list.data.points_per_fen!}
          initial={funding ?? items[0]!.organisation_id!}
          onDone={list.reload}
        />
      )}
      <Enrol sponsors={items} onDone={list.reload} />
    </>
  );
}

function Enrol({ sponsors, onDone }: { sponsors: Budget[]; onDone: () => void }) {
  const orgs = useLoad((signal) => api<Organisation[]>("GET", "/organisations", { signal }), []);
  const [picked, setPicked] = useState("");
  const sent = useSubmit();
  const taken = new Set(sponsors.map((b) => b.organisation_id));
  const candidates = (orgs.data ?? []).filter((o) => !taken.has(o.id) && o.kind !== "court" && o.kind !== "operator");
  const chosen = candidates.find((o) => String(o.id) === picked) ?? candidates[0];
  const enrol = sent.submit(async () => {
    if (!chosen) return "";
    await api("POST", `/organisations/${chosen.id}/sponsor`, { body: {} });
    setPicked("");
    onDone();
    return st("sp.enrolled", { name: chosen.name ?? "" });
  });

  return (
    <form class="card form" onSubmit={enrol}>
      <h2>{st("sp.enrol")}</h2>
      <p class="hint">{st("sp.enrolHint")}</p>
      <States load={orgs} empty={() => candidates.length === 0} emptyTitle={st("sp.noCandidates")}>
        {() => (
          <>
            <OrgSelect id="enrol-org" label={st("field.organisation")} orgs={candidates} value={chosen?.id} onChange={setPicked} />
            <FormEnd sent={sent} errors={{}} label={st("sp.enrolButton")} />
          </>
        )}
      </States>
    </form>
  );
}

function Fund(props: { sponsors: Budget[]; rate: number; initial: number; onDone: () => void }) {
  const projects = useLoad((signal) => api<Project[]>("GET", "/projects", { signal }), []);
  const [sponsorId, setSponsorId] = useState(props.initial);
  const [form, setForm] = useState<FundingForm>({ kind: "money", yuan: "", projectId: "", kg: "", memo: "" });
  const [asking, setAsking] = useState<FundingRequest | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState("");
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const available = (projects.data ?? []).filter((p) => (p.available_g ?? 0) > 0);
  const withProject = { ...form, projectId: form.projectId || String(available[0]?.id ?? "") };
  const body = fundingBody(withProject);
  const sponsor = props.sponsors.find((b) => b.organisation_id === sponsorId) ?? props.sponsors[0]!;
  const set = (patch: Partial<FundingForm>): void => setForm({ ...form, ...patch });
  const projectName = (id: number | null | undefined): string => {
    const p = available.find((x) => x.id === id);
    return p ? (l === "zh" ? p.name_zh : p.name_en) : "";
  };

  async function record(req: FundingRequest): Promise<void> {
    try {
      const got = await api<Funding>("POST", `/organisations/${sponsor.organisation_id}/sponsor/fundings`, { body: req });
      setDone(st("sp.done", { name: sponsor.name ?? "", points: formatPoints(got.points!, l) }));
      setForm({ ...form, yuan: "", kg: "", memo: "" });
      setError(undefined);
      props.onDone();
    } catch (err) {
      setError(err);
    } finally {
      setAsking(null);
    }
  }

  return (
    <form
      class="card form"
      id="fund"
      onSubmit={(e) => {
        e.preventDefault();
        setDone("");
        if (body) setAsking(body);
      }}
    >
      <h2>{st("sp.fund")}</h2>
      <OrgSelect
        id="fund-sponsor"
        label={st("sp.sponsor")}
        orgs={props.sponsors.map((b) => ({ id: b.organisation_id, name: b.name }))}
        value={sponsor.organisation_id}
        onChange={(id) => setSponsorId(Number(id))}
      />
      <fieldset class="choices">
        <legend>{st("field.kind")}</legend>
        {(["money", "credits"] as const).map((k) => (
          <label key={k} class="field check">
            <input type="radio" name="fund-kind" checked={form.kind === k} onChange={() => set({ kind: k })} />
            <span>{st(`sp.kind.${k}`)}</span>
          </label>
        ))}
      </fieldset>
      {form.kind === "money" ? (
        <label class="field" for="fund-yuan">
          <span>{st("field.amount_fen")}</span>
          <input id="fund-yuan" inputMode="decimal" autocomplete="off" placeholder="10000.00" value={form.yuan} onInput={(e) => set({ yuan: e.currentTarget.value })} {...invalid("amount_fen", errors)} />
          <FieldError name="amount_fen" errors={errors} />
        </label>
      ) : (
        <States load={projects} empty={() => available.length === 0} emptyTitle={st("sp.noProjects")}>
          {() => (
            <>
              <label class="field" for="fund-project">
                <span>{st("field.project_id")}</span>
                <select id="fund-project" value={withProject.projectId} onChange={(e) => set({ projectId: e.currentTarget.value })} {...invalid("project_id", errors)}>
                  {available.map((p) => (
                    <option key={p.id} value={String(p.id)}>
                      {st("sp.projectAvailable", { name: l === "zh" ? p.name_zh : p.name_en, mass: formatMass(p.available_g!, l) })}
                    </option>
                  ))}
                </select>
                <FieldError name="project_id" errors={errors} />
              </label>
              <label class="field" for="fund-kg">
                <span>{st("sp.kg")}</span>
                <input id="fund-kg" inputMode="decimal" autocomplete="off" placeholder="1000.000" value={form.kg} onInput={(e) => set({ kg: e.currentTarget.value })} {...invalid("mass_g", errors)} />
                <FieldError name="mass_g" errors={errors} />
              </label>
            </>
          )}
        </States>
      )}
      <label class="field" for="fund-memo">
        <span>{st("field.memo")}</span>
        <input id="fund-memo" maxLength={200} value={form.memo} onInput={(e) => set({ memo: e.currentTarget.value })} {...invalid("memo", errors)} />
        <FieldError name="memo" errors={errors} />
      </label>
      {done && (
        <p class="success" role="status" data-testid="funding-done">
          {done}
        </p>
      )}
      {error !== undefined && Object.keys(errors).length === 0 && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={!body} aria-describedby={body ? undefined : "fund-why"}>
        {st("sp.review")}
      </button>
      {!body && (
        <p class="hint" id="fund-why">
          {st("sp.reviewWhy")}
        </p>
      )}
      {asking && (
        <ConfirmDialog
          title={st("sp.confirm", { name: sponsor.name ?? "" })}
          confirmLabel={st("sp.confirmYes")}
          cancelLabel={st("cancel")}
          onConfirm={() => record(asking)}
          onCancel={() => setAsking(null)}
          testId="funding-confirm"
        >
          <p>
            {asking.amount_fen != null
              ? st("sp.confirmMoney", {
                  money: formatMoney(asking.amount_fen, "CNY", l),
                  rate: formatPoints(props.rate, l),
                  points: formatPoints(fundingPoints(asking, props.rate), l),
                })
              : st("sp.confirmCredits", {
                  mass: formatMass(asking.mass_g!, l),
                  project: projectName(asking.project_id),
                  points: formatPoints(fundingPoints(asking, props.rate), l),
                })}
          </p>
          <p class="notice">{st("sp.irreversible")}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
