// The public green-finance screens (a lazy chunk): app.tsx sends every /finance path here, and
// routes.ts says which page answers it.
import { Lazy } from "../../components/Lazy";
import { t } from "../../i18n";
import { match } from "../../paths";
import { ROUTES } from "./routes";

export function Desk({ path }: { path: string }) {
  const route = ROUTES.find((r) => match(r.pattern, path));
  if (!route) {
    return (
      <section class="screen">
        <h1>{t("notFound.title")}</h1>
        <p>{t("notFound.text")}</p>
      </section>
    );
  }
  return <Lazy key={route.pattern} load={route.load} path={path} />;
}
