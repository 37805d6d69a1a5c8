import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { actionBars, share } from "../src/app/screens/StatsPoints";
import { en, zh } from "../src/app/screens/statsPointsMessages";

const row = (type: string, label_zh: string, actions: number, mass_g: number) => ({
  type,
  label_zh,
  label_en: type,
  actions,
  mass_g,
  pending_actions: 0,
  pending_g: 0,
});

describe("the points statistics", () => {
  it("has the same keys and placeholders in English as in Chinese", () => {
    expectSameMessages(zh, en);
  });

  it("shows action types with confirmed actions, heaviest first, in the language shown", () => {
    const rows = [row("bus", "公交", 0, 0), row("own_cup", "自带杯", 2, 80), row("metro", "地铁", 3, 1_656_000)];
    expect(actionBars(rows, "zh")).toEqual([
      { label: "地铁", value: 1_656_000, text: "1.66 t · 3 次" },
      { label: "自带杯", value: 80, text: "80 g · 2 次" },
    ]);
    expect(actionBars(rows, "en").map((b) => b.label)).toEqual(["metro", "own_cup"]);
  });

  it("words a sponsor's budget used as a percentage, and none funded as 0%", () => {
    expect(share(1500, 100_000, "zh")).toBe("1.5%");
    expect(share(0, 0, "en")).toBe("0%");
  });
});
