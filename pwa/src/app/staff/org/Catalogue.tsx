// A sponsor admin's catalogue (a lazy chunk of its own): the budget, every item it offered
// (kind, price, stock left, on offer or not), adding an item with the server's words for each
// invalid field, and withdrawing one after a confirmation (for good).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { ApiError } from "../../api/problem";
import type { Budget, Project, Reward, SponsorCatalogue, SponsorReward } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDate, formatMass, formatPoints } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { st } from "../messages";
import { REWARD_KINDS, chinaToday, rewardBody, type RewardForm } from "../sponsorForms";
import { FieldError, FormEnd, Section, States, invalid, useSubmit } from "../ui";

export function Desk({ path }: { path: string }) {
  const orgId = Number(path.split("/")[2]);
  const base = `/organisations/${orgId}`;
  const budget = useLoad((signal) => api<Budget>("GET", `${base}/sponsor`, { signal }), [orgId]);
  const items = useLoad((signal) => api<SponsorCatalogue>("GET", `${base}/rewards`, { signal }), [orgId]);
  const [asking, setAsking] = useState<SponsorReward | null>(null);
  const l = lang.value;
  if (budget.loading && !budget.data) return <Loading />;
  if (budget.error instanceof ApiError && budget.error.status === 404) return <Empty title={st("cat.notSponsor")} />;
  const b = budget.data;
  if (!b) return <ErrorBox error={budget.error} onRetry={budget.reload} />;
  const title = (r: SponsorReward | Reward): string => (l === "zh" ? r.title_zh : r.title_en) ?? "";

  async function withdraw(r: SponsorReward): Promise<void> {
    await api("POST", `/rewards/${encodeURIComponent(r.id!)}/withdrawal`, { body: {} });
    setAsking(null);
    items.reload();
  }

  return (
    <>
      <p class="hint" data-testid="sponsor-budget">
        {st("cat.budget", {
          funded: formatPoints(b.funded_points!, l),
          spent: formatPoints(b.spent_points!, l),
          n: formatPoints(b.redemptions!, l),
          left: formatPoints(b.funded_points! - b.spent_points!, l),
          mass: formatMass(b.credits_left_g!, l),
        })}
      </p>
      <p class="hint" data-testid="sponsor-bonus">
        {st("cat.bonus", {
          given: formatPoints(b.bonus_points!, l),
          left: formatPoints(b.bonus_left!, l),
        })}
      </p>
      <Section title={st("cat.title")}>
        <States load={items} empty={(d) => (d.items ?? []).length === 0} emptyTitle={st("cat.empty")}>
          {(d) => (
            <ul class="list" data-testid="catalogue">
              {d.items!.map((r) => (
                <li key={r.id} class="endpoint">
                  <p class="list-title">
                    {title(r)} · {st(`cat.status.${r.status ?? "ended"}`)}
                  </p>
                  <p class="hint">
                    {st(`cat.kind.${r.kind as "coupon"}`)} ·{" "}
                    {st("cat.item", {
                      price: formatPoints(r.price_points!, l),
                      stock: formatPoints(r.stock!, l),
                      from: formatDate(r.valid_from!, l),
                      until: formatDate(r.valid_until!, l),
                    })}
                  </p>
                  {r.status !== "ended" && (
                    <button class="button secondary danger" type="button" onClick={() => setAsking(r)}>
                      {st("cat.withdraw")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </States>
      </Section>
      <NewItem base={base} fundedCredits={b.funded_credits_g! > 0} onDone={items.reload} />
      {asking && (
        <ConfirmDialog
          title={st("cat.confirm", { title: title(asking) })}
          confirmLabel={st("cat.confirmYes")}
          cancelLabel={st("cancel")}
          danger
          onConfirm={() => withdraw(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>{st("cat.confirmWhat")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function NewItem(props: { base: string; fundedCredits: boolean; onDone: () => void }) {
  const today = chinaToday(new Date());
  const blank: RewardForm = {
    kind: "coupon",
    titleZh: "",
    titleEn: "",
    price: "",
    stock: "",
    from: today,
    until: chinaToday(new Date(), 30),
    projectId: "",
  };
  const [form, setForm] = useState<RewardForm>(blank);
  const sent = useSubmit();
  const l = lang.value;
  const errors = fieldErrors(sent.error, l);
  const offset = form.kind === "offset";
  const set = (patch: Partial<RewardForm>): void => setForm({ ...form, ...patch });
  const submit = sent.submit(async () => {
    const r = await api<Reward>("POST", `${props.base}/rewards`, { body: rewardBody(form) });
    setForm(blank);
    props.onDone();
    return st("cat.created", { title: (l === "zh" ? r.title_zh : r.title_en) ?? "" });
  });

  const field = (name: string, id: string, key: keyof RewardForm, extra: Record<string, unknown> = {}) => (
    <label class="field" for={id}>
      <span>{st(`field.${name}` as "field.stock")}</span>
      <input id={id} value={form[key]} onInput={(e) => set({ [key]: e.currentTarget.value })} {...extra} {...invalid(name, errors)} />
      <FieldError name={name} errors={errors} />
    </label>
  );

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <h2>{st("cat.new")}</h2>
      <label class="field" for="reward-kind">
        <span>{st("field.kind")}</span>
        <select id="reward-kind" value={form.kind} onChange={(e) => set({ kind: e.currentTarget.value as RewardForm["kind"] })} {...invalid("kind", errors)}>
          {REWARD_KINDS.map((k) => (
            <option key={k} value={k}>
              {st(`cat.kind.${k}`)}
            </option>
          ))}
        </select>
        <FieldError name="kind" errors={errors} />
      </label>
      {offset && (
        <>
          <p class="hint">{st(props.fundedCredits ? "cat.offsetHint" : "cat.noFundedProjects")}</p>
          <ProjectPicker value={form.projectId} onChange={(projectId) => set({ projectId })} errors={errors} />
        </>
      )}
      {field("title_zh", "reward-title-zh", "titleZh", { maxLength: 100 })}
      {field("title_en", "reward-title-en", "titleEn", { maxLength: 100, lang: "en" })}
      {field("price_points", "reward-price", "price", { inputMode: "numeric", autocomplete: "off" })}
      {field("stock", "reward-stock", "stock", { inputMode: "numeric", autocomplete: "off" })}
      {field("valid_from", "reward-from", "from", { type: "date" })}
      {field("valid_until", "reward-until", "until", { type: "date" })}
      <FormEnd sent={sent} errors={errors} label={st("cat.create")} testId="reward-created" />
    </form>
  );
}

/** The projects with credits; the server says whether the sponsor funded the one chosen. */
function ProjectPicker(props: { value: string; onChange: (id: string) => void; errors: Record<string, string> }) {
  const projects = useLoad((signal) => api<Project[]>("GET", "/projects", { signal }), []);
  const l = lang.value;
  return (
    <States load={projects}>
      {(all) => (
        <label class="field" for="reward-project">
          <span>{st("field.project_id")}</span>
          <select id="reward-project" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} {...invalid("project_id", props.errors)}>
            <option value="">—</option>
            {all.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {l === "zh" ? p.name_zh : p.name_en}
              </option>
            ))}
          </select>
          <FieldError name="project_id" errors={props.errors} />
        </label>
      )}
    </States>
  );
}
