import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError, networkError } from "../src/app/api/problem";
import { flush, queueCheckIn, waiting } from "../src/app/offline/queue";
import { loadDraft, queued, saveDraft } from "../src/app/offline/store";

beforeEach(async () => {
  await flush(async () => {}); // empty the queue left by the previous test
});

describe("offline queue", () => {
  it("sends queued check-ins oldest first and empties the queue", async () => {
    await queueCheckIn("A");
    await queueCheckIn("B");
    expect(waiting.value).toBe(2);
    const sent: string[] = [];
    const result = await flush(async (item) => {
      sent.push(item.venue);
    });
    expect(sent).toEqual(["A", "B"]);
    expect(result.sent).toBe(2);
    expect(waiting.value).toBe(0);
  });

  it("keeps the item and everything after it while the network is still down", async () => {
    await queueCheckIn("A");
    await queueCheckIn("B");
    const result = await flush(async () => {
      throw networkError();
    });
    expect(result.sent).toBe(0);
    expect((await queued()).map((q) => q.venue)).toEqual(["A", "B"]);
  });

  it("keeps items when the token expired (401) or the server failed (5xx)", async () => {
    await queueCheckIn("A");
    await flush(async () => {
      throw new ApiError(401, { title: "Unauthenticated" });
    });
    await flush(async () => {
      throw new ApiError(503, { title: "Unavailable" });
    });
    expect((await queued()).map((q) => q.venue)).toEqual(["A"]);
  });

  it("drops an item the server refused (it will not change on retry) and goes on", async () => {
    await queueCheckIn("bad");
    await queueCheckIn("good");
    const result = await flush(async (item) => {
      if (item.venue === "bad") throw new ApiError(422, { title: "Invalid" });
    });
    expect(result).toMatchObject({ sent: 1 });
    expect(result.refused).toHaveLength(1);
    expect(await queued()).toEqual([]);
  });
});

describe("drafts", () => {
  it("keeps a form's values across visits", async () => {
    await saveDraft("calculator.meeting", { attendees: "80" });
    expect(await loadDraft("calculator.meeting")).toEqual({ attendees: "80" });
    expect(await loadDraft("calculator.flight")).toBeUndefined();
  });
});
