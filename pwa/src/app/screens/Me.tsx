// "我的": my certificates and points, invitations to organisations, the organisations I run,
// the court desk, language, sign out.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { components } from "../api/schema";
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
      <Invitations onAnswered={reload} />
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

type Invitation = components["schemas"]["MyInvitation"];

/** Invitations waiting for my answer: nothing is granted until I accept. */
function Invitations({ onAnswered }: { onAnswered: () => void }) {
  const { data, reload } = useLoad(
    (signal) => api<Invitation[]>("GET", "/me/invitations", { signal }),
    [],
  );
  const [failed, setFailed] = useState<unknown>(undefined);
  if (!data || data.length === 0) return null;

  async function answer(inv: Invitation, accept: boolean): Promise<void> {
    setFailed(undefined);
    try {
      if (accept) await api("POST", `/me/invitations/${inv.id}/accept`, { body: {} });
      else await api("DELETE", `/me/invitations/${inv.id}`);
      reload();
      onAnswered();
    } catch (e) {
      setFailed(e);
    }
  }

  return (
    <>
      <h2>{t("me.invitations")}</h2>
      {failed !== undefined && <ErrorBox error={failed} />}
      <ul class="list">
        {data.map((inv) => (
          <li key={inv.id} class="list-item">
            <span class="list-title">{inv.organisation?.name}</span>
            <span class="list-meta">
              {t("me.invitedAs", { roles: (inv.roles ?? []).map((r) => t(`role.${r}`)).join("、") })}
            </span>
            <div class="actions">
              <button class="button primary" type="button" onClick={() => answer(inv, true)}>
                {t("me.accept")}
              </button>
              <button class="button secondary" type="button" onClick={() => answer(inv, false)}>
                {t("me.decline")}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
