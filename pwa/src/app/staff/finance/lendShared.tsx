// Pieces the lending desks and the public product pages share: a product's facts (rates as
// percentages, amounts in yuan, terms, project types, documents), and a state badge.
import { firstT, lang } from "../../i18n";
import { Badge } from "../registry/shared";
import { yuan } from "../../units";
import { legTone, percentFromBps, type Product } from "./lendForms";
import { lt } from "./lendMessages";

/** A project type in words: the app's `ptype.*` catalogue, else this part's own (the types the
 *  catalogue lacks). */
export const typeName = (code: string): string => firstT([`ptype.${code}`, `ln.ptype.${code}`]);

export const productName = (p: Pick<Product, "name_zh" | "name_en">): string => (lang.value === "zh" ? p.name_zh : p.name_en) ?? "";

export function StateBadge({ state }: { state: string | undefined }) {
  return <Badge text={lt(`ln.state.${state ?? "draft"}` as "ln.state.draft")} tone={state === "published" ? "ok" : state === "withdrawn" ? "no" : "wait"} />;
}

export function LegBadge({ state }: { state: string | undefined }) {
  return <Badge text={lt(`ln.leg.${state ?? "applied"}` as "ln.leg.applied")} tone={legTone(state)} />;
}

export function ProductFacts({ p }: { p: Product }) {
  const l = lang.value;
  const kind = p.kind ?? "credit";
  return (
    <>
      <dl class="facts">
        <dt>{lt("ln.institution")}</dt>
        <dd>{p.institution_name}</dd>
        <dt>{lt(`ln.rate.${kind}`)}</dt>
        <dd>{lt("ln.range", { min: percentFromBps(p.rate_min_bps ?? 0), max: percentFromBps(p.rate_max_bps ?? 0) })}</dd>
        <dt>{lt(`ln.amount.${kind}`)}</dt>
        <dd>{lt("ln.range", { min: yuan(p.amount_min_fen ?? 0, l), max: yuan(p.amount_max_fen ?? 0, l) })}</dd>
        <dt>{lt("ln.term")}</dt>
        <dd>{lt("ln.months", { min: p.term_min_months ?? 0, max: p.term_max_months ?? 0 })}</dd>
        <dt>{lt("ln.types")}</dt>
        <dd>{(p.project_types ?? []).map(typeName).join("、")}</dd>
        <dt>{lt("ln.documents")}</dt>
        <dd>{(p.documents ?? []).join("、")}</dd>
      </dl>
      {p.illustrative && <p class="hint">{lt("ln.illustrative")}</p>}
    </>
  );
}
