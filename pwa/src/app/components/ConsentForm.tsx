// Asking for consent (PIPL): each text can be read in place; the terms and privacy policy are
// agreed together, each sensitive-information text separately (its own checkbox). Nothing is
// pre-ticked, and the button waits for every box.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { LegalText } from "../api/types";
import { SENSITIVE, type Needed } from "../consent";
import { formatDay } from "../format";
import { lang, t } from "../i18n";
import { ErrorBox, Loading } from "./status";
import { useLoad } from "./useLoad";

export function LegalBody({ document }: { document: string }) {
  const l = lang.value;
  const { data, error, reload } = useLoad(
    (signal) => api<LegalText>("GET", `/legal/${document}?lang=${l}`, { signal }),
    [document, l],
  );
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  return (
    <div class="legal" data-testid={`legal-${document}`}>
      <p class="hint">{t("consent.version", { version: data.version!, date: formatDay(data.effective!, l) })}</p>
      {/* Our own Markdown, rendered by the API with raw HTML escaped. */}
      <div dangerouslySetInnerHTML={{ __html: data.html! }} />
    </div>
  );
}

function Readable({ doc }: { doc: Needed }) {
  const [open, setOpen] = useState(false);
  return (
    <li class="list-item">
      <span class="list-title">《{doc.title}》</span>
      <button class="button small secondary" type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? t("consent.hide") : t("consent.read")}
      </button>
      {open && (
        <div class="card legal-text">
          <LegalBody document={doc.document} />
        </div>
      )}
    </li>
  );
}

export interface ConsentFormProps {
  documents: Needed[];
  intro: string;
  busy?: boolean;
  onAccept: (docs: Needed[]) => void;
  onDecline?: () => void;
  declineLabel?: string;
}

export function ConsentForm({ documents, intro, busy, onAccept, onDecline, declineLabel }: ConsentFormProps) {
  const plain = documents.filter((d) => !SENSITIVE.includes(d.document));
  const sensitive = documents.filter((d) => SENSITIVE.includes(d.document));
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const boxes = [...(plain.length ? ["plain"] : []), ...sensitive.map((d) => d.document)];
  const ready = boxes.every((b) => ticked[b]);
  const tick = (box: string) => (e: Event) =>
    setTicked({ ...ticked, [box]: (e.currentTarget as HTMLInputElement).checked });

  return (
    <form
      class="card form consent"
      data-testid="consent"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) onAccept(documents);
      }}
    >
      <p>{intro}</p>
      <ul class="list">
        {documents.map((d) => (
          <Readable key={d.document} doc={d} />
        ))}
      </ul>
      {plain.length > 0 && (
        <label class="field check">
          <input type="checkbox" checked={!!ticked.plain} onChange={tick("plain")} />
          <span>{t("consent.agree", { titles: plain.map((d) => `《${d.title}》`).join(t("consent.and")) })}</span>
        </label>
      )}
      {sensitive.length > 0 && <p class="hint">{t("consent.sensitiveIntro")}</p>}
      {sensitive.map((d) => (
        <label key={d.document} class="field check">
          <input type="checkbox" checked={!!ticked[d.document]} onChange={tick(d.document)} />
          <span>{t("consent.agreeSeparately", { title: `《${d.title}》` })}</span>
        </label>
      ))}
      <button class="button primary" type="submit" disabled={!ready || busy}>
        {t("consent.accept")}
      </button>
      {onDecline && (
        <button class="button secondary" type="button" onClick={onDecline}>
          {declineLabel ?? t("consent.decline")}
        </button>
      )}
    </form>
  );
}
