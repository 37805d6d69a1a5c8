import { describe, expect, it } from "vitest";
import { expectSameMessages } from "./catalogues";
import { zh } from "../src/app/messages";
import { en } from "../src/app/messages.en";
import { firstT, t, tryT } from "../src/app/i18n";

describe("messages", () => {
  it("has the same keys and placeholders in English as in Chinese", () => {
    expectSameMessages(zh, en);
  });

  it("fills placeholders in the chosen language", () => {
    expect(t("wallet.waiting", { n: 2 }, "zh")).toBe("2 条打卡等待联网后提交");
    expect(t("update.ready", {}, "en")).toBe("A new version is available");
    expect(t("update.ready", {}, "zh")).toBe("有新版本");
  });

  it("falls back to readable words for a key made at run time that has no message", () => {
    expect(tryT("category.travel", "en")).toBe("Travel");
    expect(tryT("brand_new_kind", "en")).toBe("brand new kind");
  });

  it("words a field the preset's own way when it has a label", () => {
    const keys = (preset: string) => [`field.vehicle_diesel_l@${preset}`, "field.vehicle_diesel_l"];
    expect(firstT(keys("scenic_spot"), "zh")).toBe("观光车、接驳车柴油（升）");
    expect(firstT(keys("supermarket"), "zh")).toBe("自有车辆柴油（升）");
  });
});
