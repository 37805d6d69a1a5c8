// Request bodies of the registry desks' forms. Numbers are read without float surprises; what
// cannot be read is sent as null, so the server names the field in its own words.
import type { components } from "../../api/schema";

type S = components["schemas"];
export type ParticipantRole = S["ParticipantCreate"]["roles"][number];
export const PARTICIPANT_ROLES: readonly ParticipantRole[] = ["project_owner", "buyer", "verifier"];

/** Whole tonnes as typed ("1000", "1,000", "１０００"), or null. */
export function tonnesFrom(text: string): number | null {
  const plain = text.trim().replace(/[,，\s]/g, "").replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10));
  if (!/^\d{1,10}$/.test(plain)) return null;
  const n = Number(plain);
  return n > 0 ? n : null;
}

/** A coordinate as typed ("30.66", "104.06"), or null. */
export function degreesFrom(text: string): number | null {
  const t = text.trim();
  return /^-?\d{1,3}(\.\d{1,6})?$/.test(t) ? Number(t) : null;
}

export interface ParticipantForm {
  uscc: string;
  legal: string;
  contact: string;
  phone: string;
  roles: ReadonlySet<ParticipantRole>;
}

export const participantBody = (
  organisationId: number,
  f: ParticipantForm,
  accept: S["RegistryAcceptance"][],
): S["ParticipantCreate"] => ({
  organisation_id: organisationId,
  uscc: f.uscc.trim().toUpperCase(),
  legal_representative: f.legal.trim(),
  contact_name: f.contact.trim(),
  contact_phone: f.phone.trim(),
  roles: PARTICIPANT_ROLES.filter((r) => f.roles.has(r)),
  accept,
});

export interface ProjectForm {
  methodology: string;
  nameZh: string;
  nameEn: string;
  province: string;
  city: string;
  lat: string;
  lon: string;
  start: string;
  end: string;
  expected: string;
}

export const projectBody = (ownerId: number, f: ProjectForm): S["RegistryProjectCreate"] =>
  ({
    owner_id: ownerId,
    methodology: f.methodology,
    name_zh: f.nameZh.trim(),
    name_en: f.nameEn.trim(),
    province: f.province,
    city: f.city.trim(),
    latitude: degreesFrom(f.lat),
    longitude: degreesFrom(f.lon),
    crediting_start: f.start || null,
    crediting_end: f.end || null,
    expected_annual_t: tonnesFrom(f.expected),
  }) as S["RegistryProjectCreate"];
