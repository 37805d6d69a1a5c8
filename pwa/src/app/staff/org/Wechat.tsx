// The WeChat official account: link it (AppID, Token, EncodingAESKey), show the callback URL to
// paste into the WeChat console, unlink.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { WechatAccount } from "../../api/types";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { fieldErrors, wechatBody, type WechatForm } from "../forms";
import { st } from "../messages";
import { CopyButton, FieldError, Section, invalid } from "../ui";

export function Wechat({ orgId }: { orgId: number }) {
  const base = `/organisations/${orgId}/wechat-accounts`;
  const { data, error, loading, reload } = useLoad(
    (signal) => api<WechatAccount[]>("GET", base, { signal }),
    [orgId],
  );
  const [unlinkError, setUnlinkError] = useState<unknown>(undefined);
  const l = lang.value;

  async function unlink(a: WechatAccount): Promise<void> {
    if (!confirm(st("wechat.unlinkConfirm", { name: a.name ?? "" }))) return;
    setUnlinkError(undefined);
    try {
      await api("DELETE", `${base}/${encodeURIComponent(a.id!)}`);
      reload();
    } catch (e) {
      setUnlinkError(e);
    }
  }

  return (
    <>
      <Section title={st("wechat.title")}>
        {unlinkError !== undefined && <ErrorBox error={unlinkError} />}
        {loading && !data ? (
          <Loading />
        ) : !data ? (
          <ErrorBox error={error} onRetry={reload} />
        ) : data.length === 0 ? (
          <Empty title={st("wechat.empty")} />
        ) : (
          data.map((a) => (
            <article key={a.id} class="endpoint">
              <p class="list-title">{a.name}</p>
              <p class="hint">
                AppID <span class="mono">{a.appid}</span> · {formatDateTime(a.created_at!, l)}
              </p>
              <p>{st("wechat.callback")}</p>
              <p class="mono" data-testid="callback-url">
                {a.callback_url}
              </p>
              <div class="actions">
                <CopyButton text={a.callback_url!} label={st("wechat.copyCallback")} />
                <button class="button secondary" type="button" onClick={() => unlink(a)}>
                  {st("wechat.unlink")}
                </button>
              </div>
            </article>
          ))
        )}
        <p class="hint">{st("wechat.steps")}</p>
      </Section>
      <LinkAccount base={base} onLinked={reload} />
    </>
  );
}

const EMPTY: WechatForm = { name: "", appid: "", token: "", aesKey: "" };

function LinkAccount({ base, onLinked }: { base: string; onLinked: () => void }) {
  const [form, setForm] = useState<WechatForm>(EMPTY);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error, lang.value);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api<WechatAccount>("POST", base, { body: wechatBody(form) });
      setForm(EMPTY);
      onLinked();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const input = (key: keyof WechatForm, apiName: string, label: string, extra: Record<string, unknown>) => (
    <label class="field" for={`wx-${key}`}>
      <span>{label}</span>
      <input
        id={`wx-${key}`}
        required
        autocomplete="off"
        spellcheck={false}
        value={form[key]}
        onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
        {...extra}
        {...invalid(apiName, errors)}
      />
      <FieldError name={apiName} errors={errors} />
    </label>
  );

  return (
    <form class="card form" onSubmit={submit}>
      <h2>{st("wechat.link")}</h2>
      {input("name", "name", st("wechat.name"), { maxLength: 100 })}
      {input("appid", "appid", st("wechat.appid"), { pattern: "wx[0-9A-Za-z]{16}", placeholder: "wx…" })}
      {input("token", "token", st("wechat.token"), { pattern: "[A-Za-z0-9]{3,32}" })}
      {input("aesKey", "encoding_aes_key", st("wechat.aesKey"), { minLength: 43, maxLength: 43 })}
      {error !== undefined && Object.keys(errors).length === 0 && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={busy}>
        {st("wechat.linkSubmit")}
      </button>
    </form>
  );
}
