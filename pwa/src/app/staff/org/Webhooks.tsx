// Webhook endpoints: create (the signing secret is shown once), enable or disable, rotate the
// secret, delete, and each endpoint's deliveries with their attempts and a redeliver button.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type {
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from "../../api/types";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { formatDateTime } from "../../format";
import { lang } from "../../i18n";
import { EVENTS, fieldErrors, webhookBody, type EventType } from "../forms";
import { st } from "../messages";
import { CheckboxSet, FieldError, MoreButton, Secret, Section, invalid } from "../ui";
import { usePages } from "../usePages";

export function Webhooks({ orgId }: { orgId: number }) {
  const { data, error, loading, reload } = useLoad(
    (signal) => api<WebhookEndpointList>("GET", `/webhook-endpoints?organisation_id=${orgId}`, { signal }),
    [orgId],
  );
  const [secret, setSecret] = useState<WebhookEndpointWithSecret | null>(null);
  const items = data?.items ?? [];
  const shown = (e: WebhookEndpointWithSecret): void => {
    setSecret(e);
    reload();
  };
  return (
    <>
      {secret && <Secret title={st("hooks.secretFor", { url: secret.url ?? "" })} value={secret.secret!} testId="new-secret" />}
      <CreateEndpoint orgId={orgId} onCreated={shown} />
      <Section title={st("hooks.title")}>
        {loading && !data ? (
          <Loading />
        ) : !data ? (
          <ErrorBox error={error} onRetry={reload} />
        ) : items.length === 0 ? (
          <Empty title={st("hooks.empty")} />
        ) : (
          items.map((ep) => <Endpoint key={ep.id} ep={ep} onChanged={reload} onSecret={shown} />)
        )}
      </Section>
    </>
  );
}

function CreateEndpoint(props: { orgId: number; onCreated: (e: WebhookEndpointWithSecret) => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<Set<EventType>>(new Set(EVENTS));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error, lang.value);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = webhookBody(props.orgId, url, events, description);
      props.onCreated(await api<WebhookEndpointWithSecret>("POST", "/webhook-endpoints", { body }));
      setUrl("");
      setDescription("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" onSubmit={submit}>
      <h2>{st("hooks.new")}</h2>
      <label class="field" for="hook-url">
        <span>{st("field.url")}</span>
        <input id="hook-url" type="url" inputMode="url" required maxLength={2048} placeholder="https://example.com/hooks/diandian" value={url} onInput={(e) => setUrl(e.currentTarget.value)} {...invalid("url", errors)} />
        <FieldError name="url" errors={errors} />
      </label>
      <label class="field" for="hook-description">
        <span>{st("hooks.descriptionOptional")}</span>
        <input id="hook-description" maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} {...invalid("description", errors)} />
        <FieldError name="description" errors={errors} />
      </label>
      <CheckboxSet
        name="events"
        legend={st("field.events")}
        options={EVENTS}
        selected={events}
        onChange={setEvents}
        label={(x) => st(`event.${x}`)}
        errors={errors}
      />
      {error !== undefined && Object.keys(errors).length === 0 && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={busy || events.size === 0}>
        {st("hooks.create")}
      </button>
    </form>
  );
}

function Endpoint(props: {
  ep: WebhookEndpoint;
  onChanged: () => void;
  onSecret: (e: WebhookEndpointWithSecret) => void;
}) {
  const { ep } = props;
  const [error, setError] = useState<unknown>(undefined);
  const [open, setOpen] = useState(false);
  const l = lang.value;
  const path = `/webhook-endpoints/${encodeURIComponent(ep.id!)}`;

  async function act(run: () => Promise<unknown>): Promise<void> {
    setError(undefined);
    try {
      await run();
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <article class="endpoint">
      <p class="mono list-title">{ep.url}</p>
      <p class="hint">
        <span class={`pill ${ep.enabled ? "" : "cancelled"}`}>{ep.enabled ? st("hooks.enabled") : st("hooks.disabled")}</span>{" "}
        {(ep.events ?? []).join(", ")}
        {ep.description ? ` · ${ep.description}` : ""}
      </p>
      {ep.previous_secret_expires_at && (
        <p class="hint">{st("hooks.previousUntil", { at: formatDateTime(ep.previous_secret_expires_at, l) })}</p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <div class="actions">
        <button class="button secondary" type="button" onClick={() => act(() => api("PATCH", path, { body: { enabled: !ep.enabled } }))}>
          {ep.enabled ? st("hooks.disable") : st("hooks.enable")}
        </button>
        <button
          class="button secondary"
          type="button"
          onClick={() =>
            confirm(st("hooks.rotateConfirm")) &&
            act(async () =>
              props.onSecret(await api<WebhookEndpointWithSecret>("POST", `${path}/rotate-secret`, { body: { previous_valid_hours: 24 } })),
            )
          }
        >
          {st("hooks.rotate")}
        </button>
        <button class="button secondary" type="button" onClick={() => confirm(st("hooks.deleteConfirm", { url: ep.url ?? "" })) && act(() => api("DELETE", path))}>
          {st("delete")}
        </button>
        <button class="button secondary" type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {st("hooks.deliveries")}
        </button>
      </div>
      {open && <Deliveries path={path} />}
    </article>
  );
}

function Deliveries({ path }: { path: string }) {
  const pages = usePages<WebhookDelivery>(
    (cursor, signal) =>
      api<WebhookDeliveryPage>("GET", `${path}/deliveries?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { signal }),
    [path],
  );
  const [error, setError] = useState<unknown>(undefined);
  const l = lang.value;

  async function redeliver(d: WebhookDelivery): Promise<void> {
    setError(undefined);
    try {
      await api("POST", `${path}/deliveries/${encodeURIComponent(d.id!)}/redeliver`, { body: {} });
      pages.reload();
    } catch (e) {
      setError(e);
    }
  }

  if (pages.loading && pages.items.length === 0) return <Loading />;
  if (pages.error !== undefined && pages.items.length === 0) return <ErrorBox error={pages.error} onRetry={pages.reload} />;
  if (pages.items.length === 0) return <Empty title={st("hooks.noDeliveries")} />;
  return (
    <>
      {error !== undefined && <ErrorBox error={error} />}
      <ul class="list">
        {pages.items.map((d) => (
          <li key={d.id} class="delivery">
            <p>
              <span class={`pill ${d.status === "failed" ? "cancelled" : ""}`}>{st(`delivery.${d.status!}`)}</span>{" "}
              <span class="mono">{d.event_type}</span> · {formatDateTime(d.created_at!, l)}
            </p>
            <p class="hint">
              {st("hooks.automatic", { n: d.automatic_attempts ?? 0 })}
              {d.next_attempt_at ? ` · ${st("hooks.nextAt", { at: formatDateTime(d.next_attempt_at, l) })}` : ""}
            </p>
            <ol class="attempts">
              {(d.attempts ?? []).map((a, i) => (
                <li key={i}>
                  {formatDateTime(a.attempted_at!, l)} · {a.status_code ?? st("hooks.noAnswer")} · {a.duration_ms} ms
                  {a.manual ? ` · ${st("hooks.manual")}` : ""}
                  {a.error ? ` · ${a.error}` : ""}
                </li>
              ))}
            </ol>
            <button class="button secondary" type="button" onClick={() => redeliver(d)}>
              {st("hooks.redeliver")}
            </button>
          </li>
        ))}
      </ul>
      <MoreButton more={pages.more} busy={pages.loading} onMore={pages.loadMore} />
    </>
  );
}
