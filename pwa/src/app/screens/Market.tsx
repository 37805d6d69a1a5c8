// 行情 at /market (a lazy chunk, out of the first load): the open listings grouped by product
// (standard + project type) with the best price and the tonnes on offer. Public: no sign-in, no
// person named. The chart and daily figures come with market data.
import { api } from "../api/client";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { lang } from "../i18n";
import { byProduct, type Listing } from "../staff/market/forms";
import { mt, typeName } from "../staff/market/messages";
import { tonnes, yuan } from "../units";

const load = (signal: AbortSignal) => api<Listing[]>("GET", "/market/listings", { signal });

export function Desk(_: { path: string }) {
  const { data, error, loading, reload } = useLoad(load, []);
  const l = lang.value;
  let body;
  if (loading && !data) body = <Loading />;
  else if (!data) body = <ErrorBox error={error} onRetry={reload} />;
  else if (data.length === 0) body = <Empty title={mt("mk.noListings")} />;
  else {
    body = (
      <ul class="list" data-testid="products">
        {byProduct(data).map((p) => (
          <li key={`${p.standard}-${p.projectType}`} class="list-item">
            <span class="list-title">{mt("mk.product", { standard: p.standard, type: typeName(p.projectType) })}</span>
            <span class="list-meta">
              {mt("mk.best", { price: yuan(p.bestFen, l) })} · {mt("mk.offered", { tonnes: tonnes(p.tonnes, l), count: String(p.count) })}
            </span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <section class="screen">
      <h1>{mt("mk.title")}</h1>
      <p class="hint">{mt("mk.intro")}</p>
      {body}
      <p class="hint">{mt("mk.dataSoon")}</p>
      <p class="hint">{mt("mk.toDesk")}</p>
    </section>
  );
}
