// Every reason code the API can give for a check-in or a reported action that earned nothing
// (the `Outcome` schema's enum in shared/schemas/openapi.json) has a message in both languages,
// so the wallet never shows a raw key such as "reason.already counted".
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { zh } from "../src/app/messages";
import { en } from "../src/app/messages.en";

interface Property {
  enum?: (string | null)[];
}
const spec = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../shared/schemas/openapi.json", import.meta.url)), "utf8"),
) as { components: { schemas: Record<string, { properties: Record<string, Property> }> } };
const outcome = spec.components.schemas.Outcome!.properties;
const codes = (p: Property | undefined): string[] =>
  (p?.enum ?? []).filter((c): c is string => typeof c === "string");

it("the API describes reasons and statuses as enums of machine codes", () => {
  expect(codes(outcome.reason)).toContain("already_counted");
  for (const code of [...codes(outcome.reason), ...codes(outcome.status)]) {
    expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
  }
});

it.each(codes(outcome.reason))("reason %s has a zh and an en message", (code) => {
  const key = `reason.${code}`;
  expect((zh as Record<string, string>)[key], `zh ${key}`).toBeTruthy();
  expect((en as Record<string, string>)[key], `en ${key}`).toBeTruthy();
  expect((zh as Record<string, string>)[key]).toMatch(/[\u4e00-\u9fff]/);
});

it.each(codes(outcome.status).filter((s) => s !== "accepted"))(
  "status %s (the fallback when no reason is given) has a message",
  (status) => {
    const key = `reason.${status}`;
    expect((zh as Record<string, string>)[key], `zh ${key}`).toBeTruthy();
    expect((en as Record<string, string>)[key], `en ${key}`).toBeTruthy();
  },
);
