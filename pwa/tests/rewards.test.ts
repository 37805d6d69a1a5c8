import { describe, expect, it } from "vitest";
import { grouped, whyNot } from "../src/app/rewards";

describe("whyNot", () => {
  const coffee = { price_points: 1500, stock: 3 };
  it("says signed out before anything else", () => {
    expect(whyNot(coffee, null, true)).toEqual({ key: "rewards.why.signedOut" });
  });
  it("says offline, then out of stock, then how many points are missing", () => {
    expect(whyNot(coffee, 5000, false)).toEqual({ key: "rewards.why.offline" });
    expect(whyNot({ ...coffee, stock: 0 }, 5000, true)).toEqual({ key: "rewards.why.outOfStock" });
    expect(whyNot(coffee, 1000, true)).toEqual({ key: "rewards.why.short", short: 500 });
  });
  it("is null when the item can be redeemed", () => {
    expect(whyNot(coffee, 1500, true)).toBeNull();
  });
});

describe("grouped", () => {
  it("groups a code by four", () => {
    expect(grouped("7K3MQ9XA0BCDEFGH")).toBe("7K3M-Q9XA-0BCD-EFGH");
  });
});
