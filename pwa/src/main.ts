// Landing page: language toggle plus a backend health check.
import "./style.css";
import { loadLang, messages, saveLang, type Lang } from "./i18n";

type Health = "checking" | "ok" | "unavailable";

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`Missing element #${id}`);
  return node as T;
}

const titleEl = el("title");
const taglineEl = el("tagline");
const statusEl = el("status");
const docsLink = el<HTMLAnchorElement>("docs-link");
const toggleBtn = el<HTMLButtonElement>("lang-toggle");

let lang: Lang = loadLang();
let health: Health = "checking";

function render(): void {
  const m = messages[lang];
  document.documentElement.lang = m.htmlLang;
  document.title = m.title;
  titleEl.textContent = m.title;
  taglineEl.textContent = m.tagline;
  docsLink.textContent = m.docs;
  toggleBtn.textContent = m.toggle;
  toggleBtn.setAttribute("aria-label", m.toggleAria);
  statusEl.textContent = m[health];
  statusEl.dataset.state = health;
}

toggleBtn.addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  saveLang(lang);
  render();
});

// Same-origin GET /healthz; expects JSON like {"status":"ok"}.
async function checkHealth(timeoutMs = 5000): Promise<boolean> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch("/healthz", {
      headers: { Accept: "application/json" },
      cache: "no-store",
      signal: ctrl.signal,
    });
    if (!res.ok) return false;
    const body: unknown = await res.json();
    return (
      typeof body === "object" &&
      body !== null &&
      (body as { status?: unknown }).status === "ok"
    );
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

render();
void checkHealth().then((ok) => {
  health = ok ? "ok" : "unavailable";
  render();
});
