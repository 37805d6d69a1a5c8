// Provinces by name in the National Bureau of Statistics' order (issue 20: the stats page showed
// `province.CN-GS` and `province.CN-SC`, in ISO-code order).
import { describe, expect, it } from "vitest";
import { maskPhone } from "../src/app/format";
import { PROVINCE_CODES, PROVINCES, regionName, regionOrder } from "../src/app/provinces";

const NBS = "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门";

describe("provinces", () => {
  it("lists every province by its short name in the statistics yearbook's order", () => {
    expect(PROVINCE_CODES.map((c) => PROVINCES[c][0]).join(" ")).toBe(NBS);
    expect(PROVINCE_CODES).toHaveLength(34);
  });

  it("names provinces, China and countries abroad, never by a raw key", () => {
    expect(regionName("CN-SC", "zh")).toBe("四川");
    expect(regionName("CN-SC", "en")).toBe("Sichuan");
    expect(regionName("CN-NM", "en")).toBe("Inner Mongolia");
    expect(regionName("CN", "zh")).toBe("全国");
    expect(regionName("IN", "zh")).toBe("印度");
    expect(regionName("IN", "en")).toBe("India");
    for (const code of PROVINCE_CODES) expect(regionName(code, "zh")).not.toMatch(/CN-|province\./);
  });

  it("sorts the stats rows 四川 before 甘肃 (ISO order had them the other way), countries last", () => {
    expect(["CN-GS", "IN", "CN", "CN-SC", "CN-BJ"].sort(regionOrder)).toEqual([
      "CN-BJ",
      "CN-SC",
      "CN-GS",
      "CN",
      "IN",
    ]);
  });
});

describe("phone numbers on screen", () => {
  it("masks a mainland number as 139****9000 and keeps others' country code", () => {
    expect(maskPhone("+8613900139000")).toBe("139****9000");
    expect(maskPhone("+447700900123")).toBe("+447*****0123");
    expect(maskPhone("")).toBe("");
    expect(maskPhone("+8613900139000")).not.toContain("13900139000");
  });
});
