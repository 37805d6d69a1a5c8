// The ways into the organisation and court desks, only for people with those roles (any member
// opens their organisation's desk: a venue's check-in codes, a sponsor's reward codes).
import type { Me } from "../api/types";
import { t } from "../i18n";
import { adminOrgs, seesCourts, staffOrgs } from "../roles";

export function WorkLinks({ who }: { who: Me | null }) {
  const orgs = staffOrgs(who);
  const admin = new Set(adminOrgs(who).map((o) => o.id));
  const court = seesCourts(who);
  if (orgs.length === 0 && !court) return null;
  return (
    <>
      <h2>{t("me.work")}</h2>
      <ul class="list">
        {court && (
          <li>
            <a class="list-item" href="/court">
              <span class="list-title">{t("me.court")}</span>
              <span class="list-meta">{t("me.courtText")}</span>
            </a>
          </li>
        )}
        {orgs.map((o) => (
          <li key={o.id}>
            <a class="list-item" href={`/org/${o.id}`}>
              <span class="list-title">{o.name}</span>
              <span class="list-meta">{t(admin.has(o.id) ? "me.manageOrg" : "me.memberDesk")}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
