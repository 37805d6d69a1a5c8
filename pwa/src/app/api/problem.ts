// Turns an RFC 9457 problem (or a failed fetch) into words for people: never raw JSON.
import { t, tryT, type Lang } from "../i18n";
import type { Problem } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number, // 0: the request never reached the server
    readonly problem: Problem,
  ) {
    super(problem.title ?? `HTTP ${status}`);
  }

  get slug(): string {
    return (this.problem.type ?? "").split("/").pop() ?? "";
  }

  get offline(): boolean {
    return this.status === 0;
  }
}

export const networkError = (): ApiError => new ApiError(0, { title: "network" });

export interface Explained {
  message: string;
  fields: { field: string; label: string; detail: string }[];
}

/** The last dotted part of a field name is the form label we know it by. */
export function fieldLabel(field: string, l: Lang): string {
  const leaf = field.split(".").pop() ?? field;
  const label = tryT(`field.${leaf}`, l);
  return label.startsWith("field.") ? leaf : label;
}

/** What went wrong, in the person's language, with each invalid field named. The API words
 *  every problem it knows by code in the Accept-Language the client sends; its words are shown,
 *  except for a request the server could not read, a 5xx without a code, or several fields. */
export function explain(err: unknown, l: Lang): Explained {
  if (!(err instanceof ApiError)) return { message: t("error.unexpected", {}, l), fields: [] };
  if (err.offline) return { message: t("error.offline", {}, l), fields: [] };
  const fields = (err.problem.errors ?? []).map((e) => {
    const field = e.field ?? e.parameter ?? "";
    return { field, label: fieldLabel(field, l), detail: e.detail ?? "" };
  });
  const { code, detail } = err.problem;
  let message: string;
  if (err.slug === "validation-error" && fields.length === 1) {
    const f = fields[0]!;
    message = t("error.field", { label: f.label, detail: f.detail }, l);
  } else if (err.slug === "validation-error") message = t("error.check_fields", {}, l);
  else if (code && detail) message = detail;
  else if (err.status >= 500) message = t("error.server", {}, l);
  else message = t("error.unexpected", {}, l);
  return { message, fields };
}
