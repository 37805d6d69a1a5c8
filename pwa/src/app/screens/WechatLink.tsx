// `/wechat/link?token=…` from the 积分 reply in a company's official account: link this
// follower to me (the shell signs me in first and comes back here).
import { api } from "../api/client";
import { ApiError } from "../api/problem";
import type { WechatLink as Linked } from "../api/types";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { formatDateTime } from "../format";
import { lang, t } from "../i18n";

type Outcome = { linked: Linked } | { state: "expired" | "unlinked" | "missing" };

async function link(token: string, signal: AbortSignal): Promise<Outcome> {
  if (!token) return { state: "missing" };
  try {
    return { linked: await api<Linked>("POST", "/me/wechat-links", { body: { token }, signal }) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 422 && e.problem.errors?.[0]?.field === "token") {
      return { state: "expired" };
    }
    if (e instanceof ApiError && e.status === 404) return { state: "unlinked" };
    throw e;
  }
}

export function WechatLink({ token }: { token: string }) {
  const { data, error, loading, reload } = useLoad((signal) => link(token, signal), [token]);
  if (loading) return <Loading label={t("wechatLink.linking")} />;
  if (error !== undefined || !data) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <section class="screen narrow">
      <h1>{t("wechatLink.title")}</h1>
      {"linked" in data ? (
        <div class="card" role="status">
          <p>{t("wechatLink.done", { account: data.linked.account_name ?? "" })}</p>
          <p class="hint">{formatDateTime(data.linked.linked_at!, lang.value)}</p>
          <a class="button primary" href="/wallet">
            {t("wechatLink.toWallet")}
          </a>
        </div>
      ) : (
        <p class="notice" role="alert">
          {t(`wechatLink.${data.state}`)}
        </p>
      )}
    </section>
  );
}
