// /finance (a lazy chunk): 绿蓉融's figures computed from our own rows beside the seed report's
// published ones (never mixed), and links to the products, the green enterprise and project
// database and the pledge register.
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { useLoad } from "../../components/useLoad";
import { formatPoints } from "../../format";
import { lang } from "../../i18n";
import { lt } from "../../staff/finance/lendMessages";
import { States } from "../../staff/ui";
import { yuan } from "../../units";

type Stats = components["schemas"]["FinanceStats"];

export function Desk(_: { path: string }) {
  const stats = useLoad((signal) => api<Stats>("GET", "/finance/stats", { signal }), []);
  const l = lang.value;
  const n = (x: number | undefined): string => formatPoints(x ?? 0, l);
  return (
    <section class="screen">
      <h1>{lt("ln.overview")}</h1>
      <p>{lt("ln.overviewIntro")}</p>
      <States load={stats}>
        {(s) => {
          const o = s.ours ?? {};
          const r = s.reference?.figures ?? {};
          const src = s.reference?.source ?? {};
          return (
            <div class="table-scroll">
              <table class="table" data-testid="finance-stats">
                <thead>
                  <tr>
                    <th scope="col"></th>
                    <th scope="col">{lt("ln.ours")}</th>
                    <th scope="col">{lt("ln.reference")}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">{lt("ln.fig.applied")}</th>
                    <td>{yuan(o.applied_fen ?? 0, l)}</td>
                    <td>{lt("ln.yi", { n: r.applied_yi ?? "" })}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.facilitated")}</th>
                    <td>{yuan(o.facilitated_fen ?? 0, l)}</td>
                    <td>{lt("ln.yi", { n: r.facilitated_yi ?? "" })}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.institutions")}</th>
                    <td>{n(o.institutions)}</td>
                    <td>{n(r.institutions)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.enterprises")}</th>
                    <td>{n(o.enterprises)}</td>
                    <td>{n(r.enterprises)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.applications")}</th>
                    <td>{n(o.applications)}</td>
                    <td>–</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.credit")}</th>
                    <td>{n(o.credit_products)}</td>
                    <td>{n(r.credit_products)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.insurance")}</th>
                    <td>{n(o.insurance_products)}</td>
                    <td>{n(r.insurance_products)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.greenEnterprises")}</th>
                    <td>{n(o.green_enterprises)}</td>
                    <td>{n(r.green_enterprises)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.greenProjects")}</th>
                    <td>{n(o.green_projects)}</td>
                    <td>{n(r.green_projects)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.climateEnterprises")}</th>
                    <td>{n(o.climate_enterprises)}</td>
                    <td>–</td>
                  </tr>
                  <tr>
                    <th scope="row">{lt("ln.fig.climateProjects")}</th>
                    <td>{n(o.climate_projects)}</td>
                    <td>{n(r.climate_projects)}</td>
                  </tr>
                </tbody>
              </table>
              <p class="hint">
                {lt("ln.referenceSource", {
                  publisher: (l === "zh" ? src.publisher_zh : src.publisher_en) ?? "",
                  title: (l === "zh" ? src.title_zh : src.title_en) ?? "",
                  published: src.published ?? "",
                  as_of: src.as_of ?? "",
                })}
              </p>
            </div>
          );
        }}
      </States>
      <ul class="list">
        <li>
          <a href="/finance/products">{lt("ln.toProducts")}</a>
        </li>
        <li>
          <a href="/finance/projects">{lt("ln.toProjects")}</a>
        </li>
        <li>
          <a href="/finance/pledges">{lt("ln.toPledges")}</a>
        </li>
      </ul>
    </section>
  );
}
