// 质押登记公示 at /finance/pledges (a lazy chunk): every registered CDCER pledge, and those since
// released or enforced, from GET /finance/pledge-notices. Public: organisations only, never a
// person or a phone; the loan amount and rate only where the pledgor chose to disclose them.
import { api } from "../../api/client";
import { useLoad } from "../../components/useLoad";
import { formatDate } from "../../format";
import { lang } from "../../i18n";
import { percentOf, type PledgeNotice } from "../../staff/finance/pledgeForms";
import { pt } from "../../staff/finance/pledgeMessages";
import { Badge, projectName } from "../../staff/registry/shared";
import { States } from "../../staff/ui";
import { tonnes, yuan } from "../../units";

export function Desk(_: { path: string }) {
  const notices = useLoad((signal) => api<PledgeNotice[]>("GET", "/finance/pledge-notices", { signal }), []);
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{pt("pl.noticeTitle")}</h1>
      <p class="hint">{pt("pl.noticeIntro")}</p>
      <States load={notices} empty={(d) => d.length === 0} emptyTitle={pt("pl.noNotices")}>
        {(list) => (
          <ul class="list" data-testid="pledge-notices">
            {list.map((n) => (
              <li key={n.reference} class="endpoint">
                <p class="registry-row">
                  <Badge text={pt(`pl.state.${n.state!}`)} tone={n.state === "enforced" ? "no" : "ok"} />
                  <span class="mono">{n.reference}</span>
                </p>
                <p class="list-title">
                  {pt("pl.line", { project: projectName(n, l), tonnes: tonnes(n.tonnes!, l), pledgor: n.pledgor_name ?? "", pledgee: n.pledgee_name ?? "" })}
                </p>
                <p class="hint mono">{pt("pl.serials", { serials: n.serial_range ?? "" })}</p>
                <p>
                  {n.loan_amount_fen != null && n.annual_rate_bps != null
                    ? pt("pl.loanLine", { amount: yuan(n.loan_amount_fen, l), rate: percentOf(n.annual_rate_bps), term: String(n.term_months) })
                    : pt("pl.undisclosed")}
                </p>
                <p class="hint">
                  {n.registered_at && pt("pl.registeredOn", { date: formatDate(n.registered_at, l) })}
                  {n.closed_at && ` · ${pt("pl.closedOn", { state: pt(`pl.state.${n.state!}`), date: formatDate(n.closed_at, l) })}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </States>
    </section>
  );
}
