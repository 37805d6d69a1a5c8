// The organisation's orders, newest first, with their certificates.
import { api } from "../../api/client";
import type { Order, OrderPage } from "../../api/types";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { formatDateTime, formatMass, formatMoney } from "../../format";
import { lang, tryT } from "../../i18n";
import { st } from "../messages";
import { MoreButton } from "../ui";
import { usePages } from "../usePages";
import { purposeText } from "../../purpose";

export function Orders({ orgId }: { orgId: number }) {
  const pages = usePages<Order>(
    (cursor, signal) =>
      api<OrderPage>(
        "GET",
        `/orders?organisation_id=${orgId}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { signal },
      ),
    [orgId],
  );
  const l = lang.value;
  if (pages.loading && pages.items.length === 0) return <Loading />;
  if (pages.error !== undefined && pages.items.length === 0) {
    return <ErrorBox error={pages.error} onRetry={pages.reload} />;
  }
  if (pages.items.length === 0) return <Empty title={st("orders.empty")} />;
  return (
    <>
      <ul class="list">
        {pages.items.map((o) => (
          <li key={o.id} class="list-item">
            <span class="list-title">{purposeText(o.purpose_detail, o.purpose) || o.beneficiary}</span>
            <span class="list-value">{formatMoney(o.amount!, o.currency ?? "CNY", l)}</span>
            <span class="list-meta">
              <span class={`pill ${o.status}`}>{tryT(`order.${o.status}`)}</span> {formatMass(o.mass_g!, l)} ·{" "}
              {o.beneficiary} · {formatDateTime(o.created_at!, l)}
            </span>
            {o.certificate_number && (
              <a class="list-link" href={`/certificates/${o.certificate_number}`}>
                {o.certificate_number}
              </a>
            )}
          </li>
        ))}
      </ul>
      {pages.error !== undefined && <ErrorBox error={pages.error} />}
      <MoreButton more={pages.more} busy={pages.loading} onMore={pages.loadMore} />
    </>
  );
}
