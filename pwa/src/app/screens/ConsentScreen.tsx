// Shown instead of any screen when the API asks a signed-in person to accept a text first (a
// new version of the terms or privacy policy, or a separate consent where it is needed).
import { useState } from "preact/hooks";
import { refreshMe } from "../account";
import { api } from "../api/client";
import { ErrorBox } from "../components/status";
import { ConsentForm } from "../components/ConsentForm";
import { acceptance, consentNeeded, SENSITIVE, type Needed } from "../consent";
import { t } from "../i18n";
import { navigate } from "../router";
import { signOutLocally } from "../session";

export function ConsentScreen({ documents }: { documents: Needed[] }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const onlySensitive = documents.every((d) => SENSITIVE.includes(d.document));

  async function accept(docs: Needed[]): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await api("POST", "/me/consents", { body: { accept: acceptance(docs) } });
      consentNeeded.value = null;
      refreshMe();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function decline(): void {
    consentNeeded.value = null;
    if (onlySensitive) {
      history.back();
      return;
    }
    signOutLocally();
    navigate("/", true);
  }

  return (
    <section class="screen narrow">
      <h1>{onlySensitive ? t("consent.sensitiveTitle") : t("consent.title")}</h1>
      {error !== undefined && <ErrorBox error={error} />}
      <ConsentForm
        documents={documents}
        intro={onlySensitive ? t("consent.sensitiveWhy") : t("consent.updated")}
        busy={busy}
        onAccept={accept}
        onDecline={decline}
        declineLabel={onlySensitive ? t("consent.notNow") : t("consent.decline")}
      />
    </section>
  );
}
