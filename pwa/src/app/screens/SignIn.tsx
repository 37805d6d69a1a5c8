// Sign-in with a phone number and a one-time code (in sandbox mode the code is shown here).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import type { CodeIssued, Token } from "../api/types";
import { ErrorBox } from "../components/status";
import { t } from "../i18n";
import { safeNext } from "../paths";
import { here, navigate } from "../router";
import { signIn } from "../session";

const RESEND_SECONDS = 60;

export function SignIn() {
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState("");
  const [issued, setIssued] = useState<CodeIssued | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [sending, setSending] = useState(false);
  const [wait, setWait] = useState(0);

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

  async function verify(e: Event): Promise<void> {
    e.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const tok = await api<Token>("POST", "/auth/tokens", {
        body: { phone: issued?.phone ?? phone.trim(), code: code.trim() },
      });
      signIn({
        token: tok.access_token!,
        displayName: tok.user?.display_name ?? "",
        expiresAt: tok.expires_at!,
      });
      navigate(safeNext(here.value.query.get("next")), true);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  }

  return (
    <section class="screen narrow">
      <h1>{t("signIn.title")}</h1>
      <p class="hint">{t("signIn.why")}</p>
      <form class="card form" onSubmit={issued ? verify : sendCode}>
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
          {issued ? t("signIn.submit") : t("signIn.sendCode")}
        </button>
        {issued && (
          <button
            class="button secondary"
            type="button"
            disabled={wait > 0 || sending}
            onClick={sendCode}
          >
            {wait > 0 ? t("signIn.resendIn", { s: wait }) : t("signIn.resend")}
          </button>
        )}
      </form>
    </section>
  );
}
