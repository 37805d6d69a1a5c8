// /finance/products (a lazy chunk): the published credit and insurance products, by kind, each
// linking to its page. Public.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { useLoad } from "../../components/useLoad";
import type { Product } from "../../staff/finance/lendForms";
import { lt } from "../../staff/finance/lendMessages";
import { ProductFacts, productName } from "../../staff/finance/lendShared";
import { States } from "../../staff/ui";

export function Desk(_: { path: string }) {
  const [kind, setKind] = useState("");
  const list = useLoad((signal) => api<Product[]>("GET", `/finance/products${kind ? `?kind=${kind}` : ""}`, { signal }), [kind]);
  return (
    <section class="screen">
      <p>
        <a href="/finance">{lt("ln.overview")}</a>
      </p>
      <h1>{lt("ln.products")}</h1>
      <label class="field" for="product-kind-filter">
        <span>{lt("ln.filterKind")}</span>
        <select id="product-kind-filter" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="">{lt("ln.allProducts")}</option>
          <option value="credit">{lt("ln.kind.credit")}</option>
          <option value="insurance">{lt("ln.kind.insurance")}</option>
        </select>
      </label>
      <States load={list} empty={(d) => d.length === 0} emptyTitle={lt("ln.noPublished")}>
        {(products) => (
          <ul class="list" data-testid="products">
            {products.map((p) => (
              <li key={p.id} class="card">
                <h2>
                  <a href={`/finance/products/${p.id}`}>{productName(p)}</a> <span class="hint">{lt(`ln.kind.${p.kind ?? "credit"}`)}</span>
                </h2>
                <ProductFacts p={p} />
              </li>
            ))}
          </ul>
        )}
      </States>
      <p class="hint">{lt("ln.toApply")}</p>
    </section>
  );
}
