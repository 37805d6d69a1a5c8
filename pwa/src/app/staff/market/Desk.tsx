// The organisation's 交易 tab (a lazy chunk): its funds account, the seller's desk (list a
// holding, its open listings, its sales), the buyer's desk (pick an open listing and buy, its
// trades) and block trades and agreements. Any member sees them; only admins act (the API's rule).
import { Empty } from "../../components/status";
import { States } from "../ui";
import { useAccountDesk } from "../registry/shared";
import { Listings, Trades } from "./Buyer";
import { Deals } from "./Deals";
import { Funds } from "./Funds";
import { Seller } from "./Seller";
import { mt } from "./messages";

export function Desk({ path }: { path: string }) {
  const { orgId, account, version, bump, admin } = useAccountDesk(path);
  return (
    <States load={account}>
      {({ a }) => {
        if (!a) {
          return (
            <>
              <Empty title={mt("mk.noAccount")} />
              <p class="center">
                <a href={`/org/${orgId}?tab=registry`}>{mt("mk.toRegistry")}</a>
              </p>
            </>
          );
        }
        const id = a.id!;
        return (
          <>
            {!admin && <p class="hint">{mt("mk.membersOnly")}</p>}
            <Funds participantId={id} admin={admin} version={version} onChange={bump} />
            <h2>{mt("mk.seller")}</h2>
            <Seller participantId={id} admin={admin} version={version} onChange={bump} />
            <h2>{mt("mk.buyer")}</h2>
            <Listings participantId={id} admin={admin} version={version} onChange={bump} />
            <Trades participantId={id} version={version} />
            {admin && <Deals participantId={id} version={version} onChange={bump} />}
          </>
        );
      }}
    </States>
  );
}
