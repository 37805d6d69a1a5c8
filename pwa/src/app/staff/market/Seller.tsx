// The seller's desk: the account's holdings, each listed (挂牌) after a confirmation naming the
// total value, its open listings with what is left and a withdrawal (asked first), and its sales.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { RegistryHolding } from "../../api/types";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { fenFromYuan } from "../sponsorForms";
import { Section, States } from "../ui";
import { tonnesFrom } from "../registry/forms";
import { Badge, Confirmed, Field, projectName, stateTone, tonnes, yuan } from "../registry/shared";
import { Trades } from "./Buyer";
import type { Props } from "./Funds";
import { listingBody, type Listing, type ListingForm } from "./forms";
import { mt } from "./messages";

export function Seller({ participantId, admin, version, onChange }: Props) {
  const held = useLoad((signal) => api<RegistryHolding[]>("GET", `/registry/participants/${participantId}/holdings`, { signal }), [participantId, version]);
  const [listing, setListing] = useState<number | null>(null);
  const l = lang.value;
  return (
    <>
      <Section title={mt("mk.holdings")}>
        <States load={held} empty={(d) => d.length === 0} emptyTitle={mt("mk.noHoldings")}>
          {(list) => (
            <ul class="list" data-testid="market-holdings">
              {list.map((h) => (
                <li key={h.id} class="endpoint">
                  <p class="list-title">{projectName(h, l)}</p>
                  <p>{mt("mk.holding", { standard: h.standard ?? "", vintage: String(h.vintage), tonnes: tonnes(h.tonnes!, l) })}</p>
                  {admin && listing !== h.id && (
                    <button class="button secondary" type="button" onClick={() => setListing(h.id!)}>
                      {mt("mk.list")}
                    </button>
                  )}
                  {listing === h.id && (
                    <ListForm
                      sellerId={participantId}
                      holding={h}
                      onDone={() => {
                        setListing(null);
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
      <MyListings participantId={participantId} admin={admin} version={version} onChange={onChange} />
      <Trades participantId={participantId} version={version} only="sold" />
    </>
  );
}

function ListForm({ sellerId, holding, onDone }: { sellerId: number; holding: RegistryHolding; onDone: () => void }) {
  const [form, setForm] = useState<ListingForm>({ tonnes: String(holding.tonnes), price: "", minLot: "1" });
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;
  const errors = fieldErrors(error, l);
  const n = tonnesFrom(form.tonnes);
  const fen = fenFromYuan(form.price);
  const lot = tonnesFrom(form.minLot);
  const send = async (): Promise<void> => {
    try {
      await api("POST", "/market/listings", { body: listingBody(sellerId, holding.id!, form) });
    } catch (e) {
      setError(e);
      throw e;
    }
    onDone();
  };
  const field = (key: keyof ListingForm, name: string, label: string, extra: Record<string, unknown>) => (
    <Field id={`list-${key}-${holding.id}`} label={label} field={name} value={form[key]} onInput={(v) => setForm({ ...form, [key]: v })} errors={errors} extra={extra} />
  );
  return (
    <div class="form">
      {field("tonnes", "tonnes", mt("mk.listTonnes"), { inputMode: "numeric" })}
      {field("price", "price_fen_per_t", mt("mk.listPrice"), { inputMode: "decimal", placeholder: "50.00" })}
      {field("minLot", "min_lot_t", mt("mk.minLot"), { inputMode: "numeric" })}
      <Confirmed
        label={mt("mk.listReview")}
        title={mt("mk.listConfirm", { tonnes: n ? tonnes(n, l) : "" })}
        yes={mt("mk.listYes")}
        disabled={!n || fen === null || !lot}
        testId="list"
        onConfirm={send}
      >
        <p>
          {mt("mk.listText", {
            project: projectName(holding, l),
            vintage: String(holding.vintage),
            price: yuan(fen ?? 0, l),
            minLot: tonnes(lot ?? 0, l),
            total: yuan((fen ?? 0) * (n ?? 0), l),
          })}
        </p>
      </Confirmed>
    </div>
  );
}

/** Every listing of the account, newest first, in every state (`GET /market/participants/{id}/
 *  listings`): an open one can be withdrawn. */
function MyListings({ participantId, admin, version, onChange }: Props) {
  const mine = useLoad((signal) => api<Listing[]>("GET", `/market/participants/${participantId}/listings`, { signal }), [participantId, version]);
  const l = lang.value;
  return (
    <Section title={mt("mk.myListings")}>
      <States load={mine} empty={(d) => d.length === 0} emptyTitle={mt("mk.noMyListings")}>
        {(list) => (
          <ul class="list" data-testid="my-listings">
            {list.map((x) => (
              <li key={x.id} class="endpoint">
                <p class="registry-row">
                  <Badge text={mt(`mk.listing.${x.state!}`)} tone={stateTone(x.state === "open" ? "accepted" : x.state)} />
                  <span>
                    {mt("mk.listingLine", {
                      project: projectName(x, l),
                      vintage: String(x.vintage),
                      price: yuan(x.price_fen_per_t!, l),
                      remaining: tonnes(x.remaining_t!, l),
                      listed: tonnes(x.listed_t!, l),
                    })}
                  </span>
                </p>
                {admin && x.state === "open" && (
                  <Confirmed label={mt("mk.unlist")} title={mt("mk.unlistConfirm")} yes={mt("mk.unlistYes")} danger testId={`unlist-${x.id}`} onConfirm={async () => {
                    await api("POST", `/market/listings/${x.id}/withdrawal`);
                    onChange();
                  }}>
                    <p>{mt("mk.unlistText", { remaining: tonnes(x.remaining_t!, l) })}</p>
                  </Confirmed>
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}
