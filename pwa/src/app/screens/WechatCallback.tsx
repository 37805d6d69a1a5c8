// `/sign-in/wechat?code=…&state=…`: where WeChat sends the browser back. The code and state go
// to the API (with the cookie that binds the state to this browser): a known WeChat is signed
// in at once; the first time, the person binds their phone with an SMS code.
import { api } from "../api/client";
import type { WechatSignIn } from "../api/types";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { t } from "../i18n";
import { finish, SignIn, WECHAT_NEXT } from "./SignIn";

function takeNext(): string {
  try {
    const next = sessionStorage.getItem(WECHAT_NEXT) ?? "/";
    sessionStorage.removeItem(WECHAT_NEXT);
    return next;
  } catch {
    return "/";
  }
}

export function WechatCallback({ code, state }: { code: string; state: string }) {
  const { data, error } = useLoad(async (signal) => {
    const next = takeNext();
    const got = await api<WechatSignIn>("POST", "/auth/wechat/sessions", { body: { code, state }, signal });
    history.replaceState(null, "", "/sign-in/wechat"); // the code and state are used up
    if (got.signed_in && got.token) finish(got.token, next);
    return { got, next };
  }, [code, state]);

  if (error !== undefined) {
    return (
      <section class="screen narrow">
        <h1>{t("signIn.title")}</h1>
        <ErrorBox error={error} />
        <a class="button primary" href="/sign-in">
          {t("signIn.again")}
        </a>
      </section>
    );
  }
  if (!data || data.got.signed_in) return <Loading label={t("signIn.wechatSigningIn")} />;
  return <SignIn binding={data.got.binding ?? undefined} next={data.next} />;
}
