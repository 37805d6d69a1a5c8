// Choosing how to pay: the options the API offers this client (`GET /payments/rails`), the one
// preselected (the person's last choice while it is still offered, else the recommended one),
// the choice remembered in localStorage, and where an order was made (to go back and choose
// again). Pure functions, so the chooser and the checkout share them and tests can read them.
import type { PaymentRails as Rails } from "./api/types";
import type { Lang } from "./i18n";

export type { Rails };

export interface Choice {
  provider: string;
  channel: string | null;
}

export interface Option extends Choice {
  key: string;
  label: string;
  detail: string; // the way to pay, or "" for a provider with one way
  sandbox: boolean;
}

const CHOICE_KEY = "diandian.payment-choice";
const ORIGIN_KEY = "diandian.order-origin.";

export const keyOf = (c: Choice): string => (c.channel ? `${c.provider}:${c.channel}` : c.provider);

/**
 * One option per provider and way that works in this client (JSAPI only inside WeChat, …);
 * should none work here (an unusual client), every way is offered, so the person can still try.
 */
export function options(rails: Rails, l: Lang): Option[] {
  const all = (usableOnly: boolean): Option[] =>
    (rails.rails ?? []).flatMap((r): Option[] => {
      const base = { provider: r.provider!, label: r.label?.[l] ?? r.provider!, sandbox: r.sandbox === true };
      const ways = r.channels ?? [];
      if (ways.length === 0) return [{ ...base, channel: null, detail: "", key: r.provider! }];
      return ways
        .filter((w) => !usableOnly || w.usable)
        .map((w) => ({ ...base, channel: w.channel!, detail: w.label?.[l] ?? w.channel!, key: `${r.provider}:${w.channel}` }));
    });
  const usable = all(true);
  return usable.length > 0 ? usable : all(false);
}

/** The person's last choice if it is still offered here, else the recommended one, else the first. */
export function preselect(offered: Option[], recommended: Choice | undefined, last: Choice | null): Option | undefined {
  const find = (c: Choice | null | undefined) => (c ? offered.find((o) => o.key === keyOf(c)) : undefined);
  return find(last) ?? find(recommended) ?? offered[0];
}

/** What the order request carries: the provider, and the way to pay when it has several. */
export const orderFields = (c: Choice | undefined): { provider?: string; channel?: string } =>
  !c ? {} : c.channel ? { provider: c.provider, channel: c.channel } : { provider: c.provider };

function read<T>(key: string, store: Storage | undefined): T | null {
  try {
    const raw = store?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown, store: Storage | undefined): void {
  try {
    store?.setItem(key, JSON.stringify(value));
  } catch {
    // remembered for this visit only
  }
}

export function lastChoice(store: Storage | undefined = globalThis.localStorage): Choice | null {
  const c = read<Choice>(CHOICE_KEY, store);
  return c && typeof c.provider === "string" ? { provider: c.provider, channel: c.channel ?? null } : null;
}

export function rememberChoice(c: Choice, store: Storage | undefined = globalThis.localStorage): void {
  write(CHOICE_KEY, { provider: c.provider, channel: c.channel }, store);
}

/** Where an order was made (a calculator, a court's purchase link), to go back there. */
export interface Origin {
  path: string;
  courtToken?: string; // a court purchase: its link needs a fresh order key to order again
}

export function rememberOrigin(orderId: string, o: Origin, store: Storage | undefined = globalThis.localStorage): void {
  write(ORIGIN_KEY + orderId, o, store);
}

export function originOf(orderId: string, store: Storage | undefined = globalThis.localStorage): Origin | null {
  const o = read<Origin>(ORIGIN_KEY + orderId, store);
  return o && typeof o.path === "string" && o.path.startsWith("/") ? o : null;
}

/** The QR code to scan, the page to open, or the bridge to call, from an order's instructions. */
export type Instructions =
  | { kind: "jsapi"; payRequest: Record<string, string> }
  | { kind: "open"; url: string }
  | { kind: "qr"; url: string };

export function instructionsOf(i: Record<string, unknown> | undefined, returnTo: string): Instructions | null {
  const channel = i?.channel;
  if (channel === "jsapi" && i?.pay_request && typeof i.pay_request === "object")
    return { kind: "jsapi", payRequest: i.pay_request as Record<string, string> };
  if (channel === "native" && typeof i?.code_url === "string") return { kind: "qr", url: i.code_url };
  if (channel === "h5" && typeof i?.h5_url === "string")
    return { kind: "open", url: `${i.h5_url}&redirect_url=${encodeURIComponent(returnTo)}` };
  if (typeof i?.url === "string") return { kind: "open", url: i.url }; // Alipay (wap, page)
  return null;
}
