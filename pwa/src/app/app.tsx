// The app shell: header with the language switch, the screen for the route, the tab bar,
// the "new version" prompt and the offline banner.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { lang, setLang, t } from "./i18n";
import { match } from "./paths";
import { here, navigate } from "./router";
import { Calculator } from "./screens/Calculator";
import { Certificate } from "./screens/Certificate";
import { Certificates } from "./screens/Certificates";
import { CheckInLink } from "./screens/CheckInLink";
import { Checkout } from "./screens/Checkout";
import { ConsentScreen } from "./screens/ConsentScreen";
import { CourtPurchase } from "./screens/CourtPurchase";
import { Home } from "./screens/Home";
import { Legal } from "./screens/Legal";
import { Me } from "./screens/Me";
import { SignIn } from "./screens/SignIn";
import { Stats } from "./screens/Stats";
import { WechatCallback } from "./screens/WechatCallback";
import { Wallet } from "./screens/Wallet";
import { WechatLink } from "./screens/WechatLink";
import { refreshMe } from "./account";
import { consentNeeded } from "./consent";
import { Icon } from "./components/Icon";
import { Lazy, type DeskModule } from "./components/Lazy";
import { offline } from "./offline/network";
import { session } from "./session";
import { applyUpdate, updateReady } from "./update";
import type { Kind } from "./calculators";

const KINDS: Kind[] = ["meeting", "flight", "hearing", "venue", "site"];
// Separate chunks, loaded only by people who open them (and kept out of the precache).
const orgDesk: DeskModule = () => import("./staff/OrgDesk");
const courtDesk: DeskModule = () => import("./staff/CourtDesk");
// The rewards catalogue: a chunk of its own (precached), to keep the first load within budget.
const rewardsScreen: DeskModule = () => import("./screens/Rewards").then((m) => ({ Desk: m.Rewards }));
// The registry's public pages (项目公示, a project) and a certificate's trace: a chunk of their own.
const registryScreens: DeskModule = () => import("./screens/Registry");
const marketScreen: DeskModule = () => import("./screens/Market");
const financeScreens: DeskModule = () => import("./screens/finance/Finance");

/** Screens that need a person: sign in first, then come back. */
function Private({ children }: { children: ComponentChildren }) {
  const signedIn = session.value !== null;
  useEffect(() => {
    if (!signedIn) {
      const back = here.value.path + location.search;
      navigate(`/sign-in?next=${encodeURIComponent(back)}`, true);
    }
  }, [signedIn]);
  return signedIn ? <>{children}</> : null;
}

function Screen() {
  const path = here.value.path;
  let p: Record<string, string> | null;
  if ((p = match("/legal/:document", path))) return <Legal document={p.document!} />;
  // The API waits for a signed-in person's consent: nothing else until they answer.
  const asked = consentNeeded.value;
  if (asked && session.value) return <ConsentScreen documents={asked} />;
  if (match("/", path)) return <Home />;
  if (match("/sign-in", path)) return <SignIn />;
  if (match("/sign-in/wechat", path)) {
    const q = here.value.query;
    return <WechatCallback code={q.get("code") ?? ""} state={q.get("state") ?? ""} />;
  }
  if ((p = match("/neutralise/:kind", path)) && KINDS.includes(p.kind as Kind)) {
    return <Calculator key={p.kind} kind={p.kind as Kind} />;
  }
  if ((p = match("/checkout/:id", path))) return <Private><Checkout id={p.id!} /></Private>;
  if (match("/certificates", path)) return <Private><Certificates /></Private>;
  if ((p = match("/certificates/:number", path))) return <Certificate number={p.number!} />;
  if (match("/projects", path) || /^\/projects\/[1-9]\d{0,9}\/?$/.test(path) || match("/certificates/:number/trace", path)) {
    return <Lazy load={registryScreens} path={path} />;
  }
  if (match("/wallet", path)) return <Private><Wallet /></Private>;
  if (match("/checkin", path)) return <Private><CheckInLink query={here.value.query} /></Private>;
  if (match("/rewards", path)) return <Lazy load={rewardsScreen} path={path} />;
  if (match("/market", path)) return <Lazy load={marketScreen} path={path} />;
  if (path === "/finance" || path.startsWith("/finance/")) return <Lazy load={financeScreens} path={path} />;
  if (match("/stats", path)) return <Stats />;
  if (match("/me", path)) return <Private><Me /></Private>;
  if ((p = match("/court-purchase/:token", path))) return <CourtPurchase token={p.token!} />;
  if (match("/wechat/link", path)) {
    return <Private><WechatLink token={here.value.query.get("token") ?? ""} /></Private>;
  }
  if (path === "/org" || path.startsWith("/org/")) return <Private><Lazy load={orgDesk} path={path} /></Private>;
  if (path === "/court" || path.startsWith("/court/")) return <Private><Lazy load={courtDesk} path={path} /></Private>;
  return (
    <section class="screen">
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.text")}</p>
      <a class="button primary" href="/">
        {t("nav.home")}
      </a>
    </section>
  );
}

const TABS = [
  { href: "/", key: "nav.home", icon: "home" },
  { href: "/certificates", key: "nav.certificates", icon: "certificates" },
  { href: "/wallet", key: "nav.wallet", icon: "points" },
  { href: "/me", key: "nav.me", icon: "me" },
] as const;

export function App() {
  const l = lang.value;
  useEffect(() => {
    document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
    document.title = t("app.title");
  }, [l]);
  const path = here.value.path;
  const token = session.value?.token;
  useEffect(refreshMe, [token]);
  return (
    <>
      <a class="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          {t("app.name")}
        </a>
        <button
          class="lang"
          type="button"
          lang={l === "zh" ? "en" : "zh-CN"}
          aria-label={t("lang.switchAria")}
          onClick={() => setLang(l === "zh" ? "en" : "zh")}
        >
          {t("lang.switch")}
        </button>
      </header>
      {updateReady.value && (
        <div class="update" role="alert">
          <span>{t("update.ready")}</span>
          <button class="button small" type="button" onClick={applyUpdate}>
            {t("update.reload")}
          </button>
        </div>
      )}
      {offline.value && (
        <p class="offline-banner" role="status" data-testid="offline-banner">
          {t("offline.banner")}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Screen />
      </main>
      <nav class="tabbar" aria-label={t("nav.label")}>
        {TABS.map((tab) => {
          const active = tab.href === "/" ? path === "/" : path.startsWith(tab.href) || (tab.href === "/me" && /^\/(org|court)(\/|$)/.test(path));
          return (
            <a key={tab.href} href={tab.href} aria-current={active ? "page" : undefined}>
              <Icon name={tab.icon} />
              {t(tab.key)}
            </a>
          );
        })}
      </nav>
    </>
  );
}
