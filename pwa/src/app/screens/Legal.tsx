// `/legal/{document}`: the terms, the privacy policy or a separate consent, in the chosen
// language (Chinese is authoritative).
import { LegalBody } from "../components/ConsentForm";
import { t } from "../i18n";

export function Legal({ document }: { document: string }) {
  return (
    <section class="screen">
      <article class="card legal-text">
        <LegalBody document={document} />
      </article>
      <a class="button secondary" href="/me">
        {t("legal.back")}
      </a>
    </section>
  );
}
