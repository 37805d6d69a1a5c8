// 行情 at /market (a lazy chunk, out of the first load), from the market data endpoints: the
// products with last price, change against the previous close (a rise red, a fall green, each
// also signed and in words), today's volume and amount and the best ask; a chosen product's
// daily chart; the public trade records, a page at a time; and the 公告. Public: no sign-in, no
// party named.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime } from "../format";
import { lang, type Lang } from "../i18n";
import { DailyChart, Heads } from "../staff/market/DailyChart";
import { direction, percent, productKey, type Product } from "../staff/market/daily";
import { mt, typeName } from "../staff/market/messages";
import { States } from "../staff/ui";
import type { components } from "../api/schema";
import { tonnes, yuan } from "../units";

type S = components["schemas"];

const priceOr = (fen: number | null | undefined, l: Lang, none: string): string => (fen === null || fen === undefined ? none : yuan(fen, l));

function Change({ bp }: { bp: number | null | undefined }) {
  const dir = direction(bp);
  if (dir === null) return <span class="hint">{mt("mk.change.none")}</span>;
  return <span class={`change ${dir}`}>{mt(`mk.change.${dir}`, { pct: percent(bp!) })}</span>;
}

function Products({ list, chosen, onChoose }: { list: Product[]; chosen: string | undefined; onChoose: (key: string) => void }) {
  const l = lang.value;
  return (
    <div class="table-scroll">
      <table class="table" data-testid="products">
        <caption>{mt("mk.products")}</caption>
        <Heads cols={["product", "last", "change", "volume", "amount", "ask"]} />
        <tbody>
          {list.map((p) => {
            const key = productKey(p);
            return (
              <tr key={key} aria-current={key === chosen ? "true" : undefined}>
                <th scope="row">
                  <button type="button" class="linkish" aria-pressed={key === chosen} onClick={() => onChoose(key)}>
                    {l === "zh" ? p.label_zh : p.label_en}
                  </button>
                </th>
                <td>{priceOr(p.last_fen_per_t, l, mt("mk.noTradeYet"))}</td>
                <td>
                  <Change bp={p.change_bp} />
                </td>
                <td>{tonnes(p.today_volume_t ?? 0, l)}</td>
                <td>{yuan(p.today_amount_fen ?? 0, l)}</td>
                <td>{priceOr(p.best_ask_fen_per_t, l, mt("mk.none"))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type Page = S["PublicTradePage"];
type PublicTrade = S["PublicTrade"];

const tradesPage = (before: number | null | undefined, signal?: AbortSignal) =>
  api<Page>("GET", `/market/trades/public${before ? `?before=${before}` : ""}`, { signal });

function PublicTrades() {
  const first = useLoad((signal) => tradesPage(undefined, signal), []);
  const [more, setMore] = useState<PublicTrade[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<unknown>(undefined);
  const l = lang.value;
  const cursor = next === undefined ? first.data?.next_before : next;
  const loadMore = async () => {
    setBusy(true);
    setFailed(undefined);
    try {
      const page = await tradesPage(cursor);
      setMore((m) => [...m, ...(page.items ?? [])]);
      setNext(page.next_before ?? null);
    } catch (e) {
      setFailed(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-label={mt("mk.publicTrades")}>
      <h2>{mt("mk.publicTrades")}</h2>
      <States load={first} empty={(d) => (d.items ?? []).length === 0} emptyTitle={mt("mk.noPublicTrades")}>
        {(page) => (
          <>
            <ul class="list" data-testid="public-trades">
              {[...(page.items ?? []), ...more].map((t) => (
                <li key={t.number} class="endpoint">
                  <p>
                    {mt("mk.publicTradeLine", {
                      mode: mt(`mk.mode.${t.mode!}`),
                      product: `${t.standard} ${typeName(t.project_type ?? "")}`,
                      project: (l === "zh" ? t.project_name_zh : t.project_name_en) ?? "",
                      vintage: String(t.vintage),
                      tonnes: tonnes(t.quantity_t!, l),
                      price: yuan(t.price_fen_per_t!, l),
                      amount: yuan(t.amount_fen!, l),
                    })}
                  </p>
                  <p class="mono hint">{mt("mk.tradeAt", { number: t.number!, at: formatDateTime(t.at!, l) })}</p>
                </li>
              ))}
            </ul>
            {failed !== undefined && <ErrorBox error={failed} />}
            {cursor ? (
              <button type="button" class="button secondary" disabled={busy} onClick={loadMore} data-testid="more-trades">
                {mt("mk.more")}
              </button>
            ) : null}
          </>
        )}
      </States>
    </section>
  );
}

function Announcements() {
  const list = useLoad((signal) => api<S["Announcement"][]>("GET", "/market/announcements", { signal }), []);
  const l = lang.value;
  return (
    <section class="card" aria-label={mt("mk.announcements")}>
      <h2>{mt("mk.announcements")}</h2>
      <States load={list} empty={(d) => d.length === 0} emptyTitle={mt("mk.noAnnouncements")}>
        {(items) => (
          <ul class="list" data-testid="announcements">
            {items.map((a) => (
              <li key={a.id} class="endpoint">
                <h3>{l === "zh" ? a.title_zh : a.title_en}</h3>
                <p class="hint">{mt("mk.published", { at: formatDateTime(a.published_at!, l) })}</p>
                <p class="pre-line">{l === "zh" ? a.body_zh : a.body_en}</p>
              </li>
            ))}
          </ul>
        )}
      </States>
    </section>
  );
}

const loadProducts = (signal: AbortSignal) => api<Product[]>("GET", "/market/products", { signal });

export function Desk(_: { path: string }) {
  const { data, error, loading, reload } = useLoad(loadProducts, []);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  let body;
  if (loading && !data) body = <Loading />;
  else if (!data) body = <ErrorBox error={error} onRetry={reload} />;
  else if (data.length === 0) body = <Empty title={mt("mk.noProducts")} />;
  else {
    // The chosen product, or the first one traded (the first listed if none is).
    const chosen = data.find((p) => productKey(p) === picked) ?? data.find((p) => p.last_fen_per_t != null) ?? data[0]!;
    body = (
      <>
        <Products list={data} chosen={productKey(chosen)} onChoose={setPicked} />
        <DailyChart product={chosen} />
      </>
    );
  }
  return (
    <section class="screen">
      <h1>{mt("mk.title")}</h1>
      <p class="hint">{mt("mk.intro")}</p>
      {body}
      <PublicTrades />
      <Announcements />
      <p class="hint">{mt("mk.toDesk")}</p>
    </section>
  );
}
