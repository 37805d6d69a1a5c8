// API keys: create one with scopes (the key is shown once), list them, revoke (after asking).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { ApiKey, ApiKeyCreated } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang, t } from "../../i18n";
import { SCOPES, apiKeyBody, fieldErrors, type Scope } from "../forms";
import { st } from "../messages";
import { CheckboxSet, FieldError, Secret, Section, invalid } from "../ui";

export function ApiKeys({ orgId }: { orgId: number }) {
  const base = `/organisations/${orgId}/api-keys`;
  const { data, error, loading, reload } = useLoad(
    (signal) => api<ApiKey[]>("GET", base, { signal }),
    [orgId],
  );
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const l = lang.value;

  async function revoke(key: ApiKey): Promise<void> {
    await api("DELETE", `${base}/${key.id}`);
    setRevoking(null);
    reload();
  }

  return (
    <>
      {created && <Secret title={st("keys.created", { name: created.name ?? "" })} value={created.key!} testId="new-key" />}
      <CreateKey
        base={base}
        onCreated={(k) => {
          setCreated(k);
          reload();
        }}
      />
      <Section title={st("keys.title")}>
        {loading && !data ? (
          <Loading />
        ) : !data ? (
          <ErrorBox error={error} onRetry={reload} />
        ) : data.length === 0 ? (
          <Empty title={st("keys.empty")} />
        ) : (
          <ul class="list">
            {data.map((k) => (
              <li key={k.id} class="list-item">
                <span class="list-title">{k.name}</span>
                <span class="list-value mono">{k.prefix}…</span>
                <span class="list-meta">
                  {(k.scopes ?? []).join(", ")}
                  <br />
                  {st("keys.createdAt", { at: formatDateTime(k.created_at!, l) })} ·{" "}
                  {k.last_used_at ? st("keys.usedAt", { at: formatDateTime(k.last_used_at, l) }) : st("keys.neverUsed")}
                </span>
                {k.revoked_at ? (
                  <span class="pill cancelled">{st("keys.revokedAt", { at: formatDateTime(k.revoked_at, l) })}</span>
                ) : (
                  <button class="button secondary" type="button" onClick={() => setRevoking(k)}>
                    {st("keys.revoke")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {revoking && (
        <ConfirmDialog
          title={st("keys.revokeConfirm", { name: revoking.name ?? "" })}
          confirmLabel={st("keys.revokeYes")}
          cancelLabel={st("keys.revokeNo")}
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(null)}
          danger
        >
          <p>{st("keys.revokeWhat")}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function CreateKey({ base, onCreated }: { base: string; onCreated: (k: ApiKeyCreated) => void }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(["organisation:read"]));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error, lang.value);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await api<ApiKeyCreated>("POST", base, { body: apiKeyBody(name, scopes) }));
      setName("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" onSubmit={submit}>
      <h2>{st("keys.new")}</h2>
      <label class="field" for="key-name">
        <span>{t("field.name")}</span>
        <input id="key-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} {...invalid("name", errors)} />
        <FieldError name="name" errors={errors} />
      </label>
      <CheckboxSet
        name="scopes"
        legend={st("keys.scopes")}
        options={SCOPES}
        selected={scopes}
        onChange={setScopes}
        label={(x) => st(`scope.${x}`)}
        errors={errors}
      />
      {error !== undefined && Object.keys(errors).length === 0 && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={busy || scopes.size === 0}>
        {st("keys.create")}
      </button>
    </form>
  );
}
