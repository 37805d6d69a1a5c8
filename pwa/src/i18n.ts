// UI strings in Simplified Chinese and English, plus the persisted language choice.

export type Lang = "zh" | "en";

export interface Messages {
  htmlLang: string;
  title: string;
  tagline: string;
  toggle: string; // label shows the language the button switches TO
  toggleAria: string;
  checking: string;
  ok: string;
  unavailable: string;
  docs: string;
}

export const messages: Record<Lang, Messages> = {
  zh: {
    htmlLang: "zh-CN",
    title: "点点 碳中和",
    tagline: "记录每一次低碳选择，一起走向碳中和。",
    toggle: "English",
    toggleAria: "Switch to English",
    checking: "正在检查…",
    ok: "服务正常",
    unavailable: "服务不可用",
    docs: "API 文档",
  },
  en: {
    htmlLang: "en",
    title: "Diandian Carbon Neutral",
    tagline: "Track your low-carbon choices and go carbon neutral together.",
    toggle: "中文",
    toggleAria: "切换到中文",
    checking: "Checking…",
    ok: "Service OK",
    unavailable: "Service unavailable",
    docs: "API docs",
  },
};

const STORAGE_KEY = "diandian.lang";

// localStorage can throw (e.g. disabled storage, some private modes), so guard it.
export function loadLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "zh" || saved === "en") return saved;
  } catch {
    // ignore and fall back to the default
  }
  return "zh";
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore: the choice just won't be remembered
  }
}
