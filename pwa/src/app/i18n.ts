// UI strings in Simplified Chinese (first) and English, and the persisted language choice.
import { signal } from "@preact/signals";
import { zh, type Key } from "./messages";

export type Lang = "zh" | "en";
export type { Key };

const STORAGE_KEY = "diandian.lang";
// English fills in when loaded (loadCatalogue); a desk's messages may be added before that.
const catalogues: Record<Lang, Record<Key, string>> = { zh: { ...zh }, en: {} as Record<Key, string> };
let english: Promise<void> | undefined;

/** Makes a language's messages ready: Chinese is in the first load, English is a chunk of its
 * own (precached by the service worker, so switching works offline once installed). */
export function loadCatalogue(l: Lang): Promise<void> {
  if (l === "zh") return Promise.resolve();
  english ??= import("./messages.en").then(
    (m) => void Object.assign(catalogues.en, { ...m.en, ...catalogues.en }),
    (e: unknown) => {
      english = undefined; // try again on the next switch
      throw e;
    },
  );
  return english;
}

/** The saved choice, else Chinese. localStorage can throw (disabled storage), so guard it. */
export function loadLang(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === "zh" || saved === "en") return saved;
  } catch {
    // fall back to the default
  }
  return "zh";
}

export const lang = signal<Lang>(loadLang());

/** Switches once the language's messages are loaded; if they cannot be (offline before the
 * service worker has them), the language stays as it is. */
export async function setLang(next: Lang): Promise<void> {
  try {
    await loadCatalogue(next);
  } catch {
    return;
  }
  lang.value = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // the choice just won't be remembered
  }
}

export type Vars = Record<string, string | number>;

/** `{name}` placeholders filled from `vars`; unknown ones are left as they are. */
const fill = (text: string, vars: Vars): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));

/** A message in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: Key, vars: Vars = {}, in_: Lang = lang.value): string {
  return fill(catalogues[in_][key] ?? catalogues.zh[key], vars);
}

/**
 * The messages of a lazily loaded part of the app (organisation and court screens): merged into
 * the catalogues when it loads, so field labels and problem texts work there too; returns its
 * own typed `t`.
 */
export function addMessages<K extends string>(more: Record<Lang, Record<K, string>>) {
  Object.assign(catalogues.zh, more.zh);
  Object.assign(catalogues.en, more.en);
  return (key: K, vars: Vars = {}, in_: Lang = lang.value): string => fill(more[in_][key], vars);
}

/** The first of `keys` with a message (a preset's own label before the field's), else `tryT`. */
export function firstT(keys: string[], in_: Lang = lang.value): string {
  const cat = catalogues[in_] as Record<string, string>;
  const found = keys.find((k) => k in cat);
  return found ? cat[found]! : tryT(keys[keys.length - 1]!, in_);
}

/** A message for a key built at run time (a category, a status), or the raw key if unknown. */
export function tryT(key: string, in_: Lang = lang.value): string {
  const cat = catalogues[in_] as Record<string, string>;
  return cat[key] ?? key.replace(/_/g, " ");
}

export const locale = (l: Lang = lang.value): string => (l === "zh" ? "zh-CN" : "en");
