// Pure helpers of the public registry pages and a certificate's trace (no browser globals, so
// they are unit-tested in Node): names in the language shown, a project's place, the
// methodology filter, and a trace's allocations gathered by lot.
import type { PublicProject, RegistryMethodologyName, RegistryOrigin, TracedGrams } from "./api/types";
import type { Lang } from "./i18n";
import { regionName } from "./provinces";

/** A name the API gives in both languages, in the one shown. */
export const nameIn = (x: { name_zh?: string; name_en?: string }, l: Lang): string =>
  (l === "zh" ? x.name_zh : x.name_en) ?? "";

/** Province and city as people read them: "四川 · 成都市". */
export function place(province: string | undefined, city: string | undefined, l: Lang): string {
  return [province ? regionName(province, l) : "", city ?? ""].filter(Boolean).join(" · ");
}

/** The methodologies the listed projects use, each once, by code: the filter's choices. */
export function methodologyChoices(projects: PublicProject[]): RegistryMethodologyName[] {
  const seen = new Map<string, RegistryMethodologyName>();
  for (const p of projects) {
    const m = p.methodology;
    if (m?.code && !seen.has(m.code)) seen.set(m.code, m);
  }
  return [...seen.values()].sort((a, b) => (a.code! < b.code! ? -1 : a.code! > b.code! ? 1 : 0));
}

/** The projects of one methodology (`code`), or all of them when none is chosen. */
export const withMethodology = (projects: PublicProject[], code: string | null): PublicProject[] =>
  code ? projects.filter((p) => p.methodology?.code === code) : projects;

/** Adjacent allocations of one lot, with one registry retirement and one origin: a card. */
export interface TraceGroup {
  lotId: number;
  registryRef: string | null;
  origin: RegistryOrigin | null;
  allocations: TracedGrams[];
  massG: number;
  firstSerial: string;
  lastSerial: string;
}

const sameGroup = (g: TraceGroup, u: TracedGrams): boolean =>
  g.lotId === u.lot_id &&
  g.registryRef === (u.registry_ref ?? null) &&
  (g.origin?.issuance_id ?? null) === (u.origin?.issuance_id ?? null);

/** A certificate's allocations (in the API's order: by lot, then serial) gathered into runs of
 * one lot, registry retirement and origin, each with its mass and first and last serial. A
 * certificate of 116 one-tonne units reads as a few cards, each allocation still listed. */
export function traceGroups(units: TracedGrams[]): TraceGroup[] {
  const groups: TraceGroup[] = [];
  for (const u of units) {
    const last = groups[groups.length - 1];
    if (last && sameGroup(last, u)) {
      last.allocations.push(u);
      last.massG += u.mass_g ?? 0;
      last.lastSerial = u.serial ?? last.lastSerial;
      continue;
    }
    groups.push({
      lotId: u.lot_id ?? 0,
      registryRef: u.registry_ref ?? null,
      origin: u.origin ?? null,
      allocations: [u],
      massG: u.mass_g ?? 0,
      firstSerial: u.serial ?? "",
      lastSerial: u.serial ?? "",
    });
  }
  return groups;
}

/** The certificate's grams, and those with an origin on 点点's registry. */
export function traceTotals(units: TracedGrams[]): { totalG: number; registryG: number } {
  let totalG = 0;
  let registryG = 0;
  for (const u of units) {
    totalG += u.mass_g ?? 0;
    if (u.origin) registryG += u.mass_g ?? 0;
  }
  return { totalG, registryG };
}
