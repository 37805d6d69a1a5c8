// Who may see the organisation and court screens, from the memberships `GET /me` lists.
import type { Me, Membership } from "./api/types";

export interface OrgRef {
  id: number;
  name: string;
  kind: string;
}

const ref = (m: Membership): OrgRef => ({
  id: m.organisation!.id!,
  name: m.organisation!.name ?? "",
  kind: m.organisation!.kind ?? "company",
});

const having = (me: Me | null, ok: (m: Membership) => boolean): OrgRef[] =>
  (me?.organisations ?? []).filter((m) => m.organisation && ok(m)).map(ref);

/** Organisations I administer: their orders, API keys, webhooks and WeChat account. */
export const adminOrgs = (me: Me | null): OrgRef[] =>
  having(me, (m) => (m.roles ?? []).includes("admin"));

/** Courts where I open cases and verify (judge or clerk). */
export const actingCourts = (me: Me | null): OrgRef[] =>
  having(me, (m) => m.organisation!.kind === "court" && (m.roles ?? []).some((r) => r === "judge" || r === "clerk"));

/** Whether I see the court screens: court staff of any role, or an operator (reads every case). */
export const seesCourts = (me: Me | null): boolean =>
  !!me?.operator || having(me, (m) => m.organisation!.kind === "court").length > 0;

/** Organisations whose desk I open: those I administer, and any other I belong to in any role
 * (courts aside): members see its venues' check-in codes and honour its reward codes. */
export const staffOrgs = (me: Me | null): OrgRef[] =>
  having(me, (m) => (m.roles ?? []).includes("admin") || m.organisation!.kind !== "court");
