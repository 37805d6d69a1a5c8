// Rewards: why an item cannot be redeemed now (the button always says), and a code as people
// read it. Pure, so it is unit-tested in Node.

export interface Redeemable {
  price_points?: number;
  stock?: number;
}

/** Why the redeem button is disabled, as a message key (with the points missing), or null. */
export type WhyNot =
  | { key: "rewards.why.signedOut" }
  | { key: "rewards.why.offline" }
  | { key: "rewards.why.outOfStock" }
  | { key: "rewards.why.short"; short: number }
  | null;

export function whyNot(item: Redeemable, balance: number | null, online: boolean): WhyNot {
  if (balance === null) return { key: "rewards.why.signedOut" };
  if (!online) return { key: "rewards.why.offline" };
  if ((item.stock ?? 0) <= 0) return { key: "rewards.why.outOfStock" };
  const price = item.price_points ?? 0;
  if (balance < price) return { key: "rewards.why.short", short: price - balance };
  return null;
}

/** A code in groups of four, as a merchant reads or types it: `7K3M-Q9XA-…`. */
export function grouped(code: string): string {
  return (code.match(/.{1,4}/g) ?? []).join("-");
}
