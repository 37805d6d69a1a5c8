// Request bodies of the organisation and court forms, and a problem's errors by field.
import { ApiError, explain } from "../api/problem";
import type {
  ApiKeyCreate,
  CaseCreate,
  WebhookEndpointCreate,
  WechatAccountCreate,
} from "../api/types";
import type { Lang } from "../i18n";

export const SCOPES = [
  "organisation:read",
  "footprints:read",
  "footprints:write",
  "orders:read",
  "orders:write",
  "certificates:read",
  "points:report",
  "webhooks:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

export const EVENTS = ["order.paid", "order.retired", "certificate.issued", "certificate.verified"] as const;
export type EventType = (typeof EVENTS)[number];

/** Picked items in the catalogue's order, so the request does not depend on click order. */
const inOrder = <T extends string>(all: readonly T[], picked: ReadonlySet<T>): T[] =>
  all.filter((x) => picked.has(x));

export const apiKeyBody = (name: string, scopes: ReadonlySet<Scope>): ApiKeyCreate => ({
  name: name.trim(),
  scopes: inOrder(SCOPES, scopes),
});

export const webhookBody = (
  orgId: number,
  url: string,
  events: ReadonlySet<EventType>,
  description: string,
): WebhookEndpointCreate => ({
  organisation_id: orgId,
  url: url.trim(),
  events: inOrder(EVENTS, events),
  description: description.trim(),
});

export interface WechatForm {
  name: string;
  appid: string;
  token: string;
  aesKey: string;
}

export const wechatBody = (f: WechatForm): WechatAccountCreate => ({
  name: f.name.trim(),
  appid: f.appid.trim(),
  token: f.token.trim(),
  encoding_aes_key: f.aesKey.trim(),
});

/** Kilograms as typed ("24000", "1.5", "0.125") to integer grams, or null; no float math. */
export function gramsFromKg(text: string): number | null {
  const m = /^(\d{1,12})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const grams = Number(m[1]) * 1000 + Number((m[2] ?? "").padEnd(3, "0"));
  return grams > 0 ? grams : null;
}

export interface DefendantRow {
  name: string;
  phone: string;
}

export interface CaseForm {
  courtId: number;
  number: string;
  offence: string;
  place: string;
  province: string;
  defendants: DefendantRow[];
  massKg: string;
  basis: "per_defendant" | "total";
  deadline: string;
}

/** The body of `POST /court-cases`; an invalid mass is sent as 0 so the server names the field. */
export const caseBody = (f: CaseForm): CaseCreate => ({
  court_id: f.courtId,
  number: f.number.trim(),
  offence: f.offence.trim(),
  site: { place: f.place.trim(), province: f.province as CaseCreate["site"]["province"] },
  defendants: f.defendants.map((d) =>
    d.phone.trim() ? { name: d.name.trim(), phone: d.phone.trim() } : { name: d.name.trim() },
  ),
  mass_g: gramsFromKg(f.massKg) ?? 0,
  mass_basis: f.basis,
  deadline: f.deadline,
});

/** Each invalid field's words by its API name (`site.place`, `defendants.1.phone`), to show
 *  beside the input; a refusal naming one field (a taken case number) gets its sentence. */
export function fieldErrors(err: unknown, l: Lang): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const { message, fields } = explain(err, l);
  const out: Record<string, string> = {};
  const own = err.slug !== "validation-error" && fields.length === 1;
  for (const f of fields) out[f.field] = own ? message : f.detail;
  return out;
}
