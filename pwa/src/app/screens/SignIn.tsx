// Sign-in. Inside WeChat's browser (its user agent says MicroMessenger) "微信登录" comes first,
// when this deployment offers it; elsewhere, and for binding a WeChat the first time, a phone
// number and a one-time code (in sandbox mode the code is shown here). A new person accepts the
// terms and the privacy policy before their account is made.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import type { AuthMethods, CodeIssued, Token, WechatAuthorization } from "../api/types";
import { ConsentForm } from "../components/ConsentForm";
import { ErrorBox } from "../components/status";
import { useLoad } from "../components/useLoad";
import { acceptance, neededBy, type Needed } from "../consent";
import { t } from "../i18n";
import { safeNext } from "../paths";
import { here, navigate } from "../router";
import { signIn } from "../session";

const RESEND_SECONDS = 60;
/** Where to go after a WeChat sign-in: kept across the round trip through WeChat. */
export const WECHAT_NEXT = "diandian.wechatNext";

export const inWechat = (): boolean => /MicroMessenger/i.test(navigator.userAgent);

/** Signed in: remember the session and go where the person was going. */
export function finish(tok: Token, next: string): void {
  signIn({
    token: tok.access_token!,
    displayName: tok.user?.display_name ?? "",
    expiresAt: tok.expires_at!,
  });
  navigate(safeNext(next), true);
}

export function SignIn({ binding, next }: { binding?: string; next?: string }) {
  const wechat = inWechat() && !binding;
  const { data: methods } = useLoad(
    (signal) => (wechat ? api<AuthMethods>("GET", "/auth/methods", { signal }) : Promise.resolve(null)),
    [wechat],
  );
  const [byPhone, setByPhone] = useState(false);
  const goTo = next ?? here.value.query.get("next") ?? "/";

  return (
    <section class="screen narrow">
      <h1>{binding ? t("signIn.bindTitle") : t("signIn.title")}</h1>
      {binding ? (
        <p class="notice">{t("signIn.bindWhy")}</p>
      ) : (
        <p class="hint">{t("signIn.why")}</p>
      )}
      {methods?.wechat_official_account && !byPhone ? (
        <WechatButton next={goTo} onPhone={() => setByPhone(true)} />
      ) : (
        <PhoneForm binding={binding} next={goTo} />
      )}
    </section>
  );
}

function WechatButton({ next, onPhone }: { next: string; onPhone: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const [going, setGoing] = useState(false);

  async function start(): Promise<void> {
    setGoing(true);
    setError(undefined);
    try {
      const started = await api<WechatAuthorization>("POST", "/auth/wechat/authorizations", { body: {} });
      try {
        sessionStorage.setItem(WECHAT_NEXT, next);
      } catch {
        // the person lands on the home page afterwards
      }
      location.assign(started.authorize_url!);
    } catch (e) {
      setError(e);
      setGoing(false);
    }
  }

  return (
    <div class="card form">
      {error !== undefined && <ErrorBox error={error} />}
      <button class="button primary wechat" type="button" disabled={going} onClick={start}>
        {going ? t("signIn.wechatGoing") : t("signIn.wechat")}
      </button>
      <button class="button secondary" type="button" onClick={onPhone}>
        {t("signIn.withPhone")}
      </button>
    </div>
  );
}

function PhoneForm({ binding, next }: { binding?: string; next: string }) {
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [issued, setIssued] = useState<CodeIssued | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [sending, setSending] = useState(false);
  const [wait, setWait] = useState(0);
  const [asked, setAsked] = useState<Needed[] | null>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  async function sendCode(e: Event): Promise<void> {
    e.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const got = await api<CodeIssued>("POST", "/auth/codes", { body: { phone: phone.trim() } });
      setIssued(got);
      setWait(RESEND_SECONDS);
      if (got.sandbox && got.code) setCode(got.code);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  }

  /** Exchange the code; a new person is asked to accept the texts, then the same code is sent
   * again with their acceptance (it is not used up by the first try). */
  async function verify(accepted: Needed[] = []): Promise<void> {
    setSending(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = {
        phone: issued?.phone ?? phone.trim(),
        code: code.trim(),
        accept: acceptance(accepted),
      };
      if (binding) body.wechat_binding = binding;
      finish(await api<Token>("POST", "/auth/tokens", { body }), next);
    } catch (err) {
      const needed = neededBy(err);
      if (needed) setAsked(needed);
      else setError(err);
    } finally {
      setSending(false);
    }
  }

  if (asked) {
    return (
      <>
        <h2>{t("consent.title")}</h2>
        {error !== undefined && <ErrorBox error={error} />}
        <ConsentForm
          documents={asked}
          intro={t("consent.intro")}
          busy={sending}
          onAccept={(docs) => void verify(docs)}
          onDecline={() => setAsked(null)}
          declineLabel={t("consent.back")}
        />
      </>
    );
  }

  return (
    <form
      class="card form"
      onSubmit={(e) => {
        if (!issued) return void sendCode(e);
        e.preventDefault();
        void verify();
      }}
    >
      <label class="field" for="phone">
        <span>{t("field.phone")}</span>
        <input
          id="phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autocomplete="tel"
          placeholder="+86 138 0013 8000"
          required
          value={phone}
          onInput={(e) => setPhone(e.currentTarget.value)}
        />
      </label>
      {issued && (
        <>
          {issued.sandbox && issued.code && (
            <p class="notice" role="status">
              {t("signIn.sandboxCode", { code: issued.code })}
            </p>
          )}
          <label class="field" for="code">
            <span>{t("field.code")}</span>
            <input
              id="code"
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
        </>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={sending}>
        {issued ? (binding ? t("signIn.bind") : t("signIn.submit")) : t("signIn.sendCode")}
      </button>
      {issued && (
        <button class="button secondary" type="button" disabled={wait > 0 || sending} onClick={sendCode}>
          {wait > 0 ? t("signIn.resendIn", { s: wait }) : t("signIn.resend")}
        </button>
      )}
    </form>
  );
}
