// The organisation's 绿色金融 tab (a lazy chunk): a row of sections (sections.ts), the chosen one
// loaded on demand. `?section=` names it; the first is the default.
import { Lazy } from "../../components/Lazy";
import { Empty } from "../../components/status";
import { here } from "../../router";
import { st } from "../messages";
import { SECTIONS } from "./sections";

export function Desk({ path }: { path: string }) {
  const asked = here.value.query.get("section");
  const section = SECTIONS.find((s) => s.key === asked) ?? SECTIONS[0];
  if (!section) return <Empty title={st("org.tab.finance")} />;
  const base = `${path}?tab=finance&section=`;
  return (
    <>
      <nav class="segmented" aria-label={st("org.tab.finance")}>
        {SECTIONS.map((s) => (
          <a key={s.key} href={base + s.key} aria-current={s === section ? "page" : undefined}>
            {s.label()}
          </a>
        ))}
      </nav>
      <Lazy key={section.key} load={section.load} path={path} />
    </>
  );
}
