// Small pieces the organisation and court desks share: copy, secrets shown once, field errors,
// images fetched with the token, "load more" lists.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox, Loading } from "../components/status";
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

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
