// "我的": my name, my certificates and points, invitations to organisations, the organisations I
// run, the court desk, the texts I agreed to and my separate consents, my data (export) and my
// account (delete), language, sign out.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { components } from "../api/schema";
import type { ConsentStanding, DeletionConfirmation, Me as MeData } from "../api/types";
import { me } from "../account";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorBox, Loading } from "../components/status";
import { WorkLinks } from "../components/WorkLinks";
import { useLoad } from "../components/useLoad";
import { maskPhone } from "../format";
import { lang, setLang, t, tryT } from "../i18n";
import { navigate } from "../router";
import { session, signIn, signOutLocally } from "../session";

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
      <Profile who={who} />
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
      <Privacy />
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
      <DeleteAccount />
    </section>
  );
}

/** My name as organisations and certificates (by default) show it (点点用户 until I set one), and
 * my phone, masked like everywhere else (the full number is in my data export). */
function Profile({ who }: { who: MeData }) {
  const [name, setName] = useState(who.display_name ?? "");
  const [shown, setShown] = useState(who.display_name ?? ""); // as saved
  const [state, setState] = useState<"idle" | "saving" | "saved">("idle");
  const [error, setError] = useState<unknown>(undefined);

  async function save(e: Event): Promise<void> {
    e.preventDefault();
    setState("saving");
    setError(undefined);
    try {
      const got = await api<MeData>("PATCH", "/me", { body: { display_name: name.trim() } });
      me.value = got;
      setShown(got.display_name ?? "");
      const s = session.value;
      if (s) signIn({ ...s, displayName: got.display_name ?? "" });
      setState("saved");
    } catch (err) {
      setError(err);
      setState("idle");
    }
  }

  return (
    <form class="card form" onSubmit={save}>
      <p class="profile-name" data-testid="my-name">
        {shown.trim() || t("me.defaultName")}
      </p>
      <label class="field" for="display_name">
        <span>{t("field.display_name")}</span>
        <input
          id="display_name"
          name="display_name"
          autocomplete="name"
          maxLength={100}
          required
          value={name}
          placeholder={t("me.namePlaceholder")}
          onInput={(e) => {
            setName(e.currentTarget.value);
            setState("idle");
          }}
        />
      </label>
      <p class="hint" data-testid="my-phone">
        {t("me.phone", { phone: maskPhone(who.phone ?? "") })}
      </p>
      {error !== undefined && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={state === "saving" || !name.trim()}>
        {state === "saved" ? t("me.saved") : t("me.save")}
      </button>
    </form>
  );
}

/** The texts I agreed to, my separate consents (give or withdraw), and my data. */
function Privacy() {
  const { data, reload } = useLoad(
    (signal) => api<ConsentStanding[]>("GET", "/me/consents", { signal }),
    [],
  );
  const [failed, setFailed] = useState<unknown>(undefined);
  const [exporting, setExporting] = useState(false);

  async function change(c: ConsentStanding): Promise<void> {
    setFailed(undefined);
    try {
      if (c.in_force) await api("DELETE", `/me/consents/${c.document}`);
      else {
        const accept = [{ document: c.document, version: c.version }];
        await api("POST", "/me/consents", { body: { accept } });
      }
      reload();
    } catch (e) {
      setFailed(e);
    }
  }

  async function download(): Promise<void> {
    setExporting(true);
    setFailed(undefined);
    try {
      const all = await api<unknown>("GET", "/me/export");
      const blob = new Blob([JSON.stringify(all, null, 2)], { type: "application/json" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `diandian-my-data-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setFailed(e);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <h2>{t("me.privacy")}</h2>
      {failed !== undefined && <ErrorBox error={failed} />}
      <ul class="list">
        <li>
          <a class="list-item" href="/legal/terms">
            <span class="list-title">{t("me.terms")}</span>
          </a>
        </li>
        <li>
          <a class="list-item" href="/legal/privacy">
            <span class="list-title">{t("me.privacyPolicy")}</span>
          </a>
        </li>
        {(data ?? [])
          .filter((c) => c.sensitive)
          .map((c) => (
            <li key={c.document} class="list-item" data-testid={`consent-${c.document}`}>
              <a class="list-title" href={`/legal/${c.document}`}>
                {tryT(`me.sensitive.${c.document}`)}
              </a>
              <span class="list-meta">{c.in_force ? t("me.consented") : t("me.notConsented")}</span>
              <button class="button small secondary" type="button" onClick={() => change(c)}>
                {c.in_force ? t("me.withdraw") : t("me.grant")}
              </button>
            </li>
          ))}
      </ul>
      <p class="hint">{t("me.exportHint")}</p>
      <button class="button secondary" type="button" disabled={exporting} onClick={download}>
        {t("me.export")}
      </button>
    </>
  );
}

/** Deleting my account: asked first, naming what goes and what stays; then the API's
 * confirmation (good for 10 minutes) is asked for and used at once. */
function DeleteAccount() {
  const [asking, setAsking] = useState(false);

  async function erase(): Promise<void> {
    const { confirmation } = await api<DeletionConfirmation>("POST", "/me/deletion", { body: {} });
    await api("DELETE", "/me", { body: { confirmation } });
    signOutLocally();
    navigate("/", true);
  }

  return (
    <>
      <button class="button secondary danger" type="button" onClick={() => setAsking(true)}>
        {t("me.delete")}
      </button>
      {asking && (
        <ConfirmDialog
          title={t("me.deleteAsk")}
          confirmLabel={t("me.deleteConfirm")}
          cancelLabel={t("me.deleteCancel")}
          onConfirm={erase}
          onCancel={() => setAsking(false)}
          danger
          testId="delete-account"
        >
          <p>{t("me.deleteErased")}</p>
          <p>{t("me.deleteKept")}</p>
        </ConfirmDialog>
      )}
    </>
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
