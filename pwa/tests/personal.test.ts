// The person's own data kept for offline use (offline/store.ts, offline/personal.ts).
import "fake-indexeddb/auto";
import { openDB } from "idb";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError, networkError } from "../src/app/api/problem";
import { forgetMine, unreachable } from "../src/app/offline/personal";
import { queueCheckIn, waiting } from "../src/app/offline/queue";
import {
  loadDraft,
  loadSnapshot,
  queued,
  saveCertificate,
  savedCertificate,
  savedCertificates,
  saveDraft,
  saveSnapshot,
} from "../src/app/offline/store";

beforeAll(async () => {
  // A phone that ran the previous version: database version 1, a draft and a queued check-in.
  const v1 = await openDB("diandian", 1, {
    upgrade(d) {
      d.createObjectStore("drafts");
      d.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
    },
  });
  await v1.put("drafts", { attendees: "12" }, "calculator.meeting");
  await v1.add("queue", { kind: "checkin", venue: "OLD", queuedAt: "2026-12-01T00:00:00Z" });
  v1.close();
});

describe("the person's offline copies", () => {
  it("upgrades the version 1 database without losing drafts or queued check-ins", async () => {
    expect(await loadDraft("calculator.meeting")).toEqual({ attendees: "12" });
    expect((await queued()).map((q) => q.venue)).toEqual(["OLD"]);
  });

  it("keeps a certificate by number with when it was saved, and lists them all", async () => {
    const at = new Date("2026-12-07T06:03:00Z");
    await saveCertificate("DD-2026-000001", { number: "DD-2026-000001", mass_g: 5 }, at);
    await saveCertificate("DD-2026-000002", { number: "DD-2026-000002", mass_g: 7 }, at);
    await saveCertificate("DD-2026-000001", { number: "DD-2026-000001", mass_g: 6 }, at);
    expect(await savedCertificate("DD-2026-000001")).toEqual({
      data: { number: "DD-2026-000001", mass_g: 6 },
      savedAt: "2026-12-07T06:03:00.000Z",
    });
    expect(await savedCertificate("DD-2026-999999")).toBeUndefined();
    const all = await savedCertificates<{ mass_g: number }>();
    expect([...all.keys()]).toEqual(["DD-2026-000001", "DD-2026-000002"]);
    expect(all.get("DD-2026-000002")?.data.mass_g).toBe(7);
  });

  it("keeps the last wallet read", async () => {
    await saveSnapshot("wallet", { balance: 40 }, new Date("2026-12-07T06:03:00Z"));
    expect(await loadSnapshot("wallet")).toEqual({
      data: { balance: 40 },
      savedAt: "2026-12-07T06:03:00.000Z",
    });
  });

  it("forgets all of it, queued check-ins included, on sign-out; drafts stay", async () => {
    await saveDraft("beneficiary", "张三");
    await queueCheckIn("NEW");
    expect(waiting.value).toBe(2);
    await forgetMine();
    expect(await savedCertificates()).toEqual(new Map());
    expect(await loadSnapshot("wallet")).toBeUndefined();
    expect(await queued()).toEqual([]);
    expect(waiting.value).toBe(0);
    expect(await loadDraft("beneficiary")).toBe("张三");
  });

  it("stands a saved copy in for the network or a failing server, not for a refusal", () => {
    expect(unreachable(networkError())).toBe(true);
    expect(unreachable(new ApiError(503, {}))).toBe(true);
    expect(unreachable(new ApiError(404, {}))).toBe(false);
    expect(unreachable(new ApiError(401, {}))).toBe(false);
    expect(unreachable(new Error("boom"))).toBe(false);
  });
});
