// The organisation desk (lazy chunk): choose one of my organisations, then (as its admin) its
// orders, API keys, webhook endpoints and WeChat official account; and, for any member, its
// venues' rotating check-in codes and the reward codes to honour (a sponsor's merchants). A
// sponsor's admins keep its rewards catalogue; operators, on their own organisation's desk, keep
// the sponsors' budgets and every organisation's venues, and review registry projects. Any
// member sees the organisation's exchange account, projects and holdings, and its market desk
// (funds, listings, purchases, trades) and its green-finance desk (pledges, products, financing
// and listing applications). Those tabs are chunks of their own.
import { api } from "../api/client";
import type { Me } from "../api/types";
import { me } from "../account";
import { Lazy, type DeskModule } from "../components/Lazy";
import { Empty, ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { match } from "../paths";
import { here } from "../router";
import { adminOrgs, staffOrgs } from "../roles";
import { st } from "./messages";
import "./desk.css";
import { ApiKeys } from "./org/ApiKeys";
import { Honour } from "./org/Honour";
import { Orders } from "./org/Orders";
import { Webhooks } from "./org/Webhooks";
import { VenueQr, Venues } from "./org/Venues";
import { Wechat } from "./org/Wechat";

const TABS = ["orders", "keys", "webhooks", "wechat", "venues", "honour", "catalogue", "registry", "market", "finance"] as const;
const OPERATOR_TABS = ["review", "sponsors", "venueAdmin"] as const;
type Tab = (typeof TABS)[number] | (typeof OPERATOR_TABS)[number];
const MEMBER_TABS: readonly Tab[] = ["venues", "honour", "registry", "market", "finance"];
const LAZY: Partial<Record<Tab, DeskModule>> = {
  catalogue: () => import("./org/Catalogue"),
  sponsors: () => import("./org/Sponsors"),
  venueAdmin: () => import("./org/VenueAdmin"),
  registry: () => import("./registry/Desk"),
  market: () => import("./market/Desk"),
  finance: () => import("./finance/Desk"),
  review: () => import("./registry/ReviewDesk"),
};

export function Desk({ path }: { path: string }) {
  const { data, error, reload } = useLoad(async (signal) => {
    const got = await api<Me>("GET", "/me", { signal });
    me.value = got;
    return got;
  }, []);
  const who = data ?? me.value;
  if (!who) return error !== undefined ? <ErrorBox error={error} onRetry={reload} /> : <Loading />;
  const orgs = staffOrgs(who);
  const admin = adminOrgs(who).some((o) => String(o.id) === orgIdOf(path));
  const p = match("/org/:id", path) ?? match("/org/:id/venues/:venue", path);
  const org = p ? orgs.find((o) => String(o.id) === p.id) : undefined;
  if (!org) {
    return (
      <section class="screen">
        <h1>{st("org.choose")}</h1>
        {orgs.length === 0 ? (
          <Empty title={st("org.none")} />
        ) : (
          <ul class="list">
            {orgs.map((o) => (
              <li key={o.id}>
                <a class="list-item" href={`/org/${o.id}`}>
                  <span class="list-title">{o.name}</span>
                  <span class="list-meta">{st(`kind.${o.kind}` as "kind.company")}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  }
  if (p?.venue) return <VenueQr orgId={org.id} venueId={p.venue} />;
  const own: readonly Tab[] = admin ? TABS : MEMBER_TABS;
  const tabs = who.operator && org.kind === "operator" ? [...OPERATOR_TABS, ...own] : own;
  const asked = here.value.query.get("tab") as Tab | null;
  const tab: Tab = asked && tabs.includes(asked) ? asked : tabs[0]!;
  return (
    <section class="screen">
      <p class="hint">
        <a href="/org">{st("org.all")}</a>
      </p>
      <h1>{org.name}</h1>
      <nav class="segmented" aria-label={st("org.sections")}>
        {tabs.map((x) => (
          <a key={x} href={`/org/${org.id}?tab=${x}`} aria-current={x === tab ? "page" : undefined}>
            {st(`org.tab.${x}`)}
          </a>
        ))}
      </nav>
      {tab === "orders" && <Orders orgId={org.id} />}
      {tab === "keys" && <ApiKeys orgId={org.id} />}
      {tab === "webhooks" && <Webhooks orgId={org.id} />}
      {tab === "wechat" && <Wechat orgId={org.id} />}
      {tab === "venues" && <Venues orgId={org.id} />}
      {tab === "honour" && <Honour orgId={org.id} />}
      {LAZY[tab] && <Lazy key={tab} load={LAZY[tab]} path={path} />}
    </section>
  );
}

/** The organisation id in `/org/:id…`. */
const orgIdOf = (path: string): string | undefined => path.split("/")[2];
