// Home: the scenarios people neutralise, and the way into points, public figures and projects.
import { me } from "../account";
import { Icon } from "../components/Icon";
import { WorkLinks } from "../components/WorkLinks";
import { t } from "../i18n";

const SCENARIOS = [
  { href: "/neutralise/meeting", key: "meeting", icon: "meeting" },
  { href: "/neutralise/flight", key: "flight", icon: "flight" },
  { href: "/neutralise/hearing", key: "hearing", icon: "hearing" },
  { href: "/neutralise/venue", key: "venue", icon: "venue" },
  { href: "/neutralise/site", key: "site", icon: "site" },
  { href: "/wallet", key: "points", icon: "points" },
] as const;

export function Home() {
  return (
    <section class="screen">
      <div class="hero">
        <h1>{t("home.title")}</h1>
        <p>{t("home.tagline")}</p>
      </div>
      <ul class="tiles">
        {SCENARIOS.map((s) => (
          <li key={s.key}>
            <a class="tile" href={s.href}>
              <span class="tile-icon">
                <Icon name={s.icon} size={28} />
              </span>
              <span class="tile-title">{t(`home.${s.key}`)}</span>
              <span class="tile-text">{t(`home.${s.key}.text`)}</span>
            </a>
          </li>
        ))}
      </ul>
      <WorkLinks who={me.value} />
      <p class="center">
        <a href="/stats">{t("home.statsLink")}</a>
      </p>
      <p class="center">
        <a href="/projects" data-testid="to-projects">
          {t("home.projectsLink")}
        </a>
        <br />
        <a href="/market" data-testid="to-market">
          {t("home.marketLink")}
        </a>
      </p>
    </section>
  );
}
