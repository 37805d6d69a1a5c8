// The cases I see (my courts and those below), newest first, by status, with "load more".
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { Case, CasePage } from "../../api/types";
import { Empty, ErrorBox, Loading } from "../../components/status";
import { formatDay, formatMass } from "../../format";
import { lang, tryT } from "../../i18n";
import { st } from "../messages";
import { MoreButton } from "../ui";
import { usePages } from "../usePages";

const STATUSES = ["", "open", "fulfilled", "closed"] as const;

export function Cases({ canOpen }: { canOpen: boolean }) {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("");
  const pages = usePages<Case>((cursor, signal) => {
    const q = new URLSearchParams({ limit: "20" });
    if (status) q.set("status", status);
    if (cursor) q.set("cursor", cursor);
    return api<CasePage>("GET", `/court-cases?${q}`, { signal });
  }, [status]);
  const l = lang.value;
  return (
    <section class="screen">
      <h1>{st("cases.title")}</h1>
      {canOpen && (
        <a class="button primary" href="/court/new">
          {st("cases.open")}
        </a>
      )}
      <label class="field" for="case-status">
        <span>{st("cases.status")}</span>
        <select id="case-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s ? tryT(`case.${s}`) : st("cases.all")}
            </option>
          ))}
        </select>
      </label>
      {pages.loading && pages.items.length === 0 ? (
        <Loading />
      ) : pages.error !== undefined && pages.items.length === 0 ? (
        <ErrorBox error={pages.error} onRetry={pages.reload} />
      ) : pages.items.length === 0 ? (
        <Empty title={st("cases.empty")} />
      ) : (
        <ul class="list">
          {pages.items.map((c) => (
            <li key={c.id}>
              <a class="list-item" href={`/court/cases/${c.id}`}>
                <span class="list-title">{c.number}</span>
                <span class={`pill ${c.status}`}>{tryT(`case.${c.status}`)}</span>
                <span class="list-meta">
                  {c.court?.name} · {c.offence} · {st("cases.progress", { verified: formatMass(c.verified_g!, l), required: formatMass(c.required_g!, l) })} ·{" "}
                  {st("cases.deadline", { date: formatDay(c.deadline!, l) })}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {pages.error !== undefined && pages.items.length > 0 && <ErrorBox error={pages.error} />}
      <MoreButton more={pages.more} busy={pages.loading} onMore={pages.loadMore} />
    </section>
  );
}
