// Loading, error and empty states shared by every screen.
import type { ComponentChildren } from "preact";
import { explain } from "../api/problem";
import { lang, t } from "../i18n";

export function Loading({ label }: { label?: string }) {
  return (
    <div class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t("state.loading")}
    </div>
  );
}

/** A failed request in words, each invalid field named, with an optional retry. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { message, fields } = explain(error, lang.value);
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {fields.length > 1 && (
        <ul>
          {fields.map((f) => (
            <li key={f.field}>{t("error.field", { label: f.label, detail: f.detail })}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          {t("action.retry")}
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p>{title}</p>
      {children}
    </div>
  );
}
