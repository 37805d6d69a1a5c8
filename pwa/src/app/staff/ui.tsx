// Small pieces the organisation and court desks share: copy, secrets shown once, field errors,
// images fetched with the token, "load more" lists.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Empty, ErrorBox, Loading } from "../components/status";
import type { Organisation } from "../api/types";
import type { Loaded } from "../components/useLoad";
import { useImage } from "./blob";
import { st } from "./messages";

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [done, setDone] = useState<"copied" | "failed" | null>(null);
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setDone("copied");
    } catch {
      setDone("failed");
    }
  }
  return (
    <>
      <button class="button secondary" type="button" onClick={copy}>
        {label ?? st("copy")}
      </button>
      {done && (
        <span role="status" class="hint">
          {done === "copied" ? st("copied") : st("copyFailed")}
        </span>
      )}
    </>
  );
}

/** A key or signing secret from the one response that carries it. */
export function Secret({ title, value, testId }: { title: string; value: string; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [value]); // moved to, so it is seen and read out
  return (
    <div class="card secret" role="status" tabIndex={-1} ref={box}>
      <h3>{title}</h3>
      <p class="notice">{st("secretOnce")}</p>
      <p class="mono" data-testid={testId}>
        {value}
      </p>
      <div class="actions">
        <CopyButton text={value} />
      </div>
    </div>
  );
}

/** The server's words for one input, tied to it by `aria-describedby={errorId(name)}`. */
export const errorId = (name: string): string => `err-${name.replace(/\W/g, "-")}`;

export function FieldError({ name, errors }: { name: string; errors: Record<string, string> }) {
  const text = errors[name];
  return text ? (
    <span class="field-error" id={errorId(name)}>
      {text}
    </span>
  ) : null;
}

/** Props that mark an input invalid and point to its message. */
export const invalid = (name: string, errors: Record<string, string>) =>
  errors[name] ? { "aria-invalid": true, "aria-describedby": errorId(name) } : {};

/** A set of checkboxes over `options` (API-key scopes, webhook events), with its field error. */
export function CheckboxSet<T extends string>(props: {
  name: string;
  legend: string;
  options: readonly T[];
  selected: Set<T>;
  onChange: (next: Set<T>) => void;
  label: (option: T) => string;
  errors: Record<string, string>;
}) {
  function toggle(option: T, on: boolean): void {
    const next = new Set(props.selected);
    if (on) next.add(option);
    else next.delete(option);
    props.onChange(next);
  }
  return (
    <fieldset class="choices" {...invalid(props.name, props.errors)}>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option} class="field check">
          <input
            type="checkbox"
            checked={props.selected.has(option)}
            onChange={(e) => toggle(option, e.currentTarget.checked)}
          />
          <span>
            {props.label(option)} <span class="mono hint">{option}</span>
          </span>
        </label>
      ))}
      <FieldError name={props.name} errors={props.errors} />
    </fieldset>
  );
}

export function AuthImage(props: { path: string; alt: string; download?: string; class?: string }) {
  const { url, error } = useImage(props.path);
  if (error !== undefined) return <ErrorBox error={error} />;
  if (!url) return <Loading />;
  return (
    <figure class={props.class ?? "auth-image"}>
      <img src={url} alt={props.alt} />
      {props.download && (
        <a class="button secondary" href={url} download={props.download}>
          {st("saveImage")}
        </a>
      )}
    </figure>
  );
}

export function MoreButton(props: { more: boolean; busy: boolean; onMore: () => void }) {
  if (!props.more) return null;
  return (
    <button class="button secondary" type="button" disabled={props.busy} onClick={props.onMore}>
      {props.busy ? st("loadingMore") : st("loadMore")}
    </button>
  );
}

/** A form's submission: busy while `work` runs, then its error or the sentence it returns. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState("");
  const submit = (work: () => Promise<string>) => async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone("");
    try {
      setDone(await work());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, submit };
}

/** A form's end: what it did, or its error when no field shows it, and its submit button. */
export function FormEnd(props: {
  sent: ReturnType<typeof useSubmit>;
  errors: Record<string, string>;
  label: string;
  testId?: string;
}) {
  const { busy, error, done } = props.sent;
  return (
    <>
      {done && (
        <p class="success" role="status" data-testid={props.testId}>
          {done}
        </p>
      )}
      {error !== undefined && Object.keys(props.errors).length === 0 && <ErrorBox error={error} />}
      <button class="button primary" type="submit" disabled={busy}>
        {busy ? st("busy") : props.label}
      </button>
    </>
  );
}

/** What was loaded, through its states: loading, its error with a retry, or empty. */
export function States<T>(props: {
  load: Loaded<T>;
  empty?: (data: T) => boolean;
  emptyTitle?: string;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error, loading, reload } = props.load;
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  if (props.empty?.(data)) return <Empty title={props.emptyTitle ?? ""} />;
  return <>{props.children(data)}</>;
}

/** A select of organisations (the operator's screens: any, or the sponsors), by id. */
export function OrgSelect(props: {
  id: string;
  label: string;
  orgs: Pick<Organisation, "id" | "name">[];
  value: number | undefined;
  onChange: (id: string) => void;
}) {
  return (
    <label class="field" for={props.id}>
      <span>{props.label}</span>
      <select id={props.id} value={String(props.value ?? "")} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.orgs.map((o) => (
          <option key={o.id} value={String(o.id)}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
