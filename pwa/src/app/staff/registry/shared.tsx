// Pieces the registry desks share: the methodology catalogue, tonnes, state badges, a
// confirmed action, and a reason asked for before a refusal.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { me } from "../../account";
import { adminOrgs } from "../../roles";
import { ApiError } from "../../api/problem";
import type { RegistryMethodology, RegistryParticipant } from "../../api/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FieldError, invalid } from "../ui";
import { useLoad } from "../../components/useLoad";
import type { Lang } from "../../i18n";
import { rt } from "./messages";

export { tonnes, yuan } from "../../units";

/** An account desk's state (the registry and market tabs): the organisation in `/org/{id}`, its
 *  exchange account wrapped so that "no account yet" (null) is data, not a failure to load,
 *  whether I am its admin, and a version to bump when something changed. */
export function useAccountDesk(path: string) {
  const orgId = Number(path.split("/")[2]);
  const account = useLoad(
    async (signal) => ({ a: await orNull(api<RegistryParticipant>("GET", `/registry/organisations/${orgId}/participant`, { signal })) }),
    [orgId],
  );
  const [version, setVersion] = useState(0);
  const bump = (): void => setVersion((v) => v + 1);
  const admin = adminOrgs(me.value).some((o) => o.id === orgId);
  return { orgId, account, version, bump, admin };
}

/** A GET that answers 404 when there is nothing (no account yet): null instead of an error. */
export async function orNull<T>(work: Promise<T>): Promise<T | null> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function useMethodologies() {
  return useLoad((signal) => api<RegistryMethodology[]>("GET", "/registry/methodologies", { signal }), []);
}

export function methodologyName(all: RegistryMethodology[] | undefined, code: string | undefined, l: Lang): string {
  const m = all?.find((x) => x.code === code);
  return m ? (l === "zh" ? m.name_zh! : m.name_en!) : (code ?? "");
}

export const projectName = (p: { name_zh?: string; name_en?: string; project_name_zh?: string; project_name_en?: string }, l: Lang): string =>
  (l === "zh" ? (p.name_zh ?? p.project_name_zh) : (p.name_en ?? p.project_name_en)) ?? "";

export function Badge({ text, tone }: { text: string; tone?: "ok" | "wait" | "no" }) {
  return <span class={`badge ${tone ?? ""}`}>{text}</span>;
}

export const stateTone = (state: string | undefined): "ok" | "wait" | "no" =>
  state === "validated" || state === "verified" || state === "accepted" ? "ok" : state === "rejected" || state === "declined" ? "no" : "wait";

/** A button that asks before doing something that cannot be undone, then reports it done. */
export function Confirmed(props: {
  label: string;
  title: string;
  yes: string;
  children?: ComponentChildren;
  onConfirm: () => Promise<void>;
  danger?: boolean;
  disabled?: boolean;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button class={`button ${props.danger ? "secondary" : "primary"}`} type="button" disabled={props.disabled} onClick={() => setAsking(true)} data-testid={props.testId}>
        {props.label}
      </button>
      {asking && (
        <ConfirmDialog
          title={props.title}
          confirmLabel={props.yes}
          cancelLabel={rt("rg.dismiss")}
          danger={props.danger}
          testId={props.testId && `${props.testId}-confirm`}
          onConfirm={async () => {
            await props.onConfirm();
            setAsking(false);
          }}
          onCancel={() => setAsking(false)}
        >
          {props.children}
        </ConfirmDialog>
      )}
    </>
  );
}

/** A refusal: the reason is asked for first, then the refusal is confirmed. */
export function WithReason(props: { label: string; yes: string; onConfirm: (reason: string) => Promise<void>; testId?: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const id = `reason-${props.testId ?? "x"}`;
  if (!open) {
    return (
      <button class="button secondary" type="button" onClick={() => setOpen(true)} data-testid={props.testId}>
        {props.label}
      </button>
    );
  }
  return (
    <div class="form">
      <label class="field" for={id}>
        <span>{rt("rg.rejectReason")}</span>
        <textarea id={id} maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <Confirmed label={props.yes} title={props.yes} yes={props.yes} danger disabled={!reason.trim()} testId={props.testId && `${props.testId}-yes`} onConfirm={() => props.onConfirm(reason.trim())}>
        <p>{rt("rg.reason", { reason: reason.trim() })}</p>
      </Confirmed>
      <button class="button secondary" type="button" onClick={() => setOpen(false)}>
        {rt("rg.dismiss")}
      </button>
    </div>
  );
}

/** A labelled input whose server error (by the API's `field` name) shows beside it. */
export function Field(props: {
  id: string;
  label: string;
  field: string;
  value: string;
  onInput: (value: string) => void;
  errors: Record<string, string>;
  extra?: Record<string, unknown>;
}) {
  return (
    <label class="field" for={props.id}>
      <span>{props.label}</span>
      <input id={props.id} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} {...props.extra} {...invalid(props.field, props.errors)} />
      <FieldError name={props.field} errors={props.errors} />
    </label>
  );
}
