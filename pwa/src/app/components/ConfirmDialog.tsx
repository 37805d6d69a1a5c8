// Asking before something that cannot be undone: a modal native <dialog> naming what will happen.
// Cancel or Escape closes it with nothing done; the confirm button shows it is working, and a
// failure is shown in words inside the dialog. Focus starts on cancel and returns to the opener.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox } from "./status";

export interface ConfirmProps {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  cancelLabel: string;
  /** Does the thing; the dialog closes itself only by onCancel, so this navigates or re-renders. */
  onConfirm: () => Promise<void>;
  onCancel: () => void;
  danger?: boolean;
  testId?: string;
}

export function ConfirmDialog(props: ConfirmProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  async function yes(): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      class="card confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      aria-busy={busy}
      data-testid={props.testId ?? "confirm-dialog"}
      onCancel={(e) => {
        e.preventDefault(); // Escape: close through our state, never mid-request
        if (!busy) props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div id="confirm-body">{props.children}</div>
      {error !== undefined && <ErrorBox error={error} />}
      <div class="actions">
        <button class={`button primary${props.danger ? " danger" : ""}`} type="button" disabled={busy} onClick={yes}>
          {busy && <span class="spinner" aria-hidden="true" />}
          {props.confirmLabel}
        </button>
        <button class="button secondary" type="button" autofocus disabled={busy} onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
      </div>
    </dialog>
  );
}
