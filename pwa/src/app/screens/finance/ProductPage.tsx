// /finance/products/:id (a lazy chunk): one product, its description and criteria. Public for a
// published or withdrawn product (a draft: its institution's people only, as the API says).
import { api } from "../../api/client";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import type { Product } from "../../staff/finance/lendForms";
import { lt } from "../../staff/finance/lendMessages";
import { ProductFacts, StateBadge, productName } from "../../staff/finance/lendShared";
import { States } from "../../staff/ui";

export function Desk({ path }: { path: string }) {
  const id = Number(path.split("/")[3]);
  const product = useLoad((signal) => api<Product>("GET", `/finance/products/${id}`, { signal }), [id]);
  const l = lang.value;
  return (
    <section class="screen">
      <p>
        <a href="/finance/products">{lt("ln.back")}</a>
      </p>
      <States load={product}>
        {(p) => (
          <article data-testid="product">
            <h1>
              {productName(p)} {p.state !== "published" && <StateBadge state={p.state} />}
            </h1>
            <p class="hint">{lt(`ln.kind.${p.kind ?? "credit"}`)}</p>
            <p>{l === "zh" ? p.description_zh : p.description_en}</p>
            <ProductFacts p={p} />
            <p class="hint">{lt("ln.toApply")}</p>
          </article>
        )}
      </States>
    </section>
  );
}
