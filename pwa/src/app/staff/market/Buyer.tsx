// The buyer's desk: the open public listings (filtered by standard and project type), one picked
// and bought (定价点选) after a confirmation with the amount and the fee estimate, with one
// Idempotency-Key kept across retries of the same purchase; and the account's trades.
import { useState } from "preact/hooks";
import { api, download, newIdempotencyKey } from "../../api/client";
import type { components } from "../../api/schema";
import { ErrorBox } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { Section, States } from "../ui";
import { tonnesFrom } from "../registry/forms";
import { Confirmed, Field, projectName, tonnes, yuan } from "../registry/shared";
import type { Props } from "./Funds";
import { allowed, estimate, quantityFor, type Listing } from "./forms";
import { mt, typeName } from "./messages";

type Trade = components["schemas"]["Trade"];
type Rules = components["schemas"]["Rules"];
const STANDARDS = ["CCER", "CDCER", "VCU", "CER"] as const;

export function Listings({ participantId, admin, version, onChange }: Props) {
  const [standard, setStandard] = useState("");
  const [type, setType] = useState("");
  const open = useLoad((signal) => api<Listing[]>("GET", "/market/listings", { signal }), [version]);
  const [picked, setPicked] = useState<number | null>(null);
  const [bought, setBought] = useState<Trade | null>(null);
  const l = lang.value;
  const types = [...new Set((open.data ?? []).map((x) => x.project_type ?? ""))].sort();
  const shown = (d: Listing[]) => d.filter((x) => (!standard || x.standard === standard) && (!type || x.project_type === type));
  return (
    <Section title={mt("mk.listings")}>
      <div class="registry-row">
        <label class="field" for="mk-standard">
          <span>{mt("mk.filterStandard")}</span>
          <select id="mk-standard" value={standard} onChange={(e) => setStandard(e.currentTarget.value)}>
            <option value="">{mt("mk.all")}</option>
            {STANDARDS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="field" for="mk-type">
          <span>{mt("mk.filterType")}</span>
          <select id="mk-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">{mt("mk.all")}</option>
            {types.map((x) => (
              <option key={x} value={x}>
                {typeName(x)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {bought && (
        <p class="success" role="status" data-testid="bought">
          {mt("mk.bought", {
            number: bought.number!,
            tonnes: tonnes(bought.quantity_t!, l),
            amount: yuan(bought.amount_fen!, l),
            fee: yuan(bought.buyer_fee_fen ?? 0, l),
          })}
        </p>
      )}
      <States load={open} empty={(d) => shown(d).length === 0} emptyTitle={mt("mk.noListings")}>
        {(list) => (
          <ul class="list" data-testid="listings">
            {shown(list).map((x) => (
              <li key={x.id} class="endpoint">
                <p class="list-title">{projectName(x, l)}</p>
                <p>
                  {x.standard} · {typeName(x.project_type ?? "")}
                </p>
                <p>
                  {mt("mk.listingOffer", {
                    seller: x.seller_name ?? "",
                    vintage: String(x.vintage),
                    price: yuan(x.price_fen_per_t!, l),
                    remaining: tonnes(x.remaining_t!, l),
                    minLot: tonnes(x.min_lot_t!, l),
                  })}
                </p>
                {x.seller_id === participantId ? (
                  <p class="hint">{mt("mk.own")}</p>
                ) : (
                  admin &&
                  picked !== x.id && (
                    <button class="button secondary" type="button" onClick={() => setPicked(x.id!)}>
                      {mt("mk.pick")}
                    </button>
                  )
                )}
                {picked === x.id && (
                  <BuyForm
                    buyerId={participantId}
                    listing={x}
                    onDone={(t) => {
                      setPicked(null);
                      setBought(t);
                      onChange();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

function BuyForm({ buyerId, listing, onDone }: { buyerId: number; listing: Listing; onDone: (t: Trade) => void }) {
  const { low, high } = allowed(listing);
  const [text, setText] = useState(String(low));
  // One key per intended purchase: a retry after a lost answer sends the same one, so the server
  // replays the trade instead of buying twice; a different quantity is a different purchase.
  const [key, setKey] = useState(newIdempotencyKey);
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const q = quantityFor(listing, text);
  const rules = useLoad((signal) => api<Rules>("GET", "/market/rules", { signal }), []);
  const bps = rules.data?.buyer_fee_bps;
  const est = estimate(q ?? 0, listing.price_fen_per_t!, bps ?? 0);
  const send = async (): Promise<void> => {
    let trade: Trade;
    try {
      trade = await api<Trade>("POST", `/market/listings/${listing.id}/purchases`, { body: { buyer_id: buyerId, quantity_t: tonnesFrom(text) }, idempotencyKey: key });
    } catch (e) {
      setError(e);
      throw e;
    }
    setKey(newIdempotencyKey());
    onDone(trade);
  };
  return (
    <div class="form">
      <Field
        id={`buy-${listing.id}`}
        label={mt("mk.quantity")}
        field="quantity_t"
        value={text}
        onInput={(v) => {
          setText(v);
          setKey(newIdempotencyKey());
        }}
        errors={errors}
        extra={{ inputMode: "numeric" }}
      />
      <p class="hint">{mt("mk.quantityHint", { low: tonnes(low, l), high: tonnes(high, l) })}</p>
      {!rules.data && rules.error !== undefined && <ErrorBox error={rules.error} onRetry={rules.reload} />}
      <Confirmed label={mt("mk.buyReview")} title={mt("mk.buyConfirm", { tonnes: tonnes(q ?? 0, l) })} yes={mt("mk.buyYes")} disabled={q === null || bps === undefined} testId="buy" onConfirm={send}>
        <p>
          {mt("mk.buyText", {
            project: projectName(listing, l),
            vintage: String(listing.vintage),
            price: yuan(listing.price_fen_per_t!, l),
            amount: yuan(est.amountFen, l),
            fee: yuan(est.feeFen, l),
            total: yuan(est.totalFen, l),
          })}
        </p>
      </Confirmed>
    </div>
  );
}

/** The account's trades, newest first: all of them, or only its sales (the seller's fills). */
export function Trades({ participantId, version, only }: { participantId: number; version: number; only?: "sold" }) {
  const trades = useLoad((signal) => api<Trade[]>("GET", `/market/participants/${participantId}/trades`, { signal }), [participantId, version]);
  const l = lang.value;
  const mine = (d: Trade[]) => (only ? d.filter((t) => t.seller_id === participantId) : d);
  return (
    <Section title={only ? mt("mk.fills") : mt("mk.trades")}>
      <States load={trades} empty={(d) => mine(d).length === 0} emptyTitle={only ? mt("mk.noFills") : mt("mk.noTrades")}>
        {(list) => (
          <ul class="list" data-testid={only ? "fills" : "trades"}>
            {mine(list).map((t) => {
              const sold = t.seller_id === participantId;
              return (
                <li key={t.number} class="endpoint">
                  <p class="list-title">{projectName(t, l)}</p>
                  <p>
                    {mt("mk.tradeLine", {
                      side: mt(sold ? "mk.side.sold" : "mk.side.bought"),
                      mode: mt(`mk.mode.${t.mode!}`),
                      product: `${t.standard} ${typeName(t.project_type ?? "")}`,
                      vintage: String(t.vintage),
                      tonnes: tonnes(t.quantity_t!, l),
                      price: yuan(t.price_fen_per_t!, l),
                      amount: yuan(t.amount_fen!, l),
                      fee: yuan((sold ? t.seller_fee_fen : t.buyer_fee_fen) ?? 0, l),
                    })}
                  </p>
                  <p class="mono hint">{mt("mk.tradeAt", { number: t.number!, at: formatDateTime(t.executed_at!, l) })}</p>
                  <Confirmation number={t.number!} />
                </li>
              );
            })}
          </ul>
        )}
      </States>
    </Section>
  );
}

/** The trade's 成交确认书 (`GET /market/trades/{number}/confirmation.pdf`), fetched with the
 *  token and saved as 成交确认书-{number}.pdf. */
function Confirmation({ number }: { number: string }) {
  const [failed, setFailed] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setFailed(undefined);
    try {
      await download(`/market/trades/${encodeURIComponent(number)}/confirmation.pdf`, `成交确认书-${number}.pdf`);
    } catch (e) {
      setFailed(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="button secondary" disabled={busy} onClick={save} data-testid={`confirmation-${number}`}>
        {mt("mk.confirmation")}
      </button>
      {failed !== undefined && <ErrorBox error={failed} />}
    </>
  );
}
