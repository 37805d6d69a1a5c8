import { expect } from "vitest";

/** English has exactly Chinese's keys, and each message the same placeholders. */
export function expectSameMessages(zh: Record<string, string>, en: Record<string, string>): void {
  expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
  for (const key of Object.keys(zh)) {
    expect(holes(en[key]!), key).toEqual(holes(zh[key]!));
  }
}
