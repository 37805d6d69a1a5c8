// "我的": my certificates and points, the organisations I run, the court desk, language, sign out.
import { api } from "../api/client";
import type { Me as MeData } from "../api/types";
import { me } from "../account";
import { ErrorBox, Loading } from "../components/status";
import { WorkLinks } from "../components/WorkLinks";
import { useLoad } from "../components/useLoad";
import { lang, setLang, t } from "../i18n";
import { navigate } from "../router";
import { signOutLocally } from "../session";

export function Me() {
  const { data, error, reload } = useLoad(async (signal) => {
    const got = await api<MeData>("GET", "/me", { signal });
    me.value = got;
    return got;
  }, []);
  const who = data ?? me.value;
  if (!who) return error !== undefined ? <ErrorBox error={error} onRetry={reload} /> : <Loading />;

  async function signOut(): Promise<void> {
    await api("POST", "/auth/sign-out", { body: {} }).catch(() => undefined);
    signOutLocally();
    navigate("/", true);
  }

  return (
    <section class="screen">
      <h1>{t("me.title")}</h1>
      <p class="hint">
        {who.display_name} · {who.phone}
      </p>
      <ul class="list">
        <li>
          <a class="list-item" href="/certificates">
            <span class="list-title">{t("certs.title")}</span>
          </a>
        </li>
        <li>
          <a class="list-item" href="/wallet">
            <span class="list-title">{t("wallet.title")}</span>
          </a>
        </li>
        <li>
          <a class="list-item" href="/stats">
            <span class="list-title">{t("stats.title")}</span>
          </a>
        </li>
      </ul>
      <WorkLinks who={who} />
      <div class="actions">
        <button
          class="button secondary"
          type="button"
          lang={lang.value === "zh" ? "en" : "zh-CN"}
          onClick={() => setLang(lang.value === "zh" ? "en" : "zh")}
        >
          {t("lang.switch")}
        </button>
        <button class="button secondary" type="button" onClick={signOut}>
          {t("me.signOut")}
        </button>
      </div>
    </section>
  );
}
