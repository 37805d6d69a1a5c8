// China's province-level divisions (ISO 3166-2:CN) as people read them: the short names of
// statistics tables (四川、内蒙古、广西) and English, in the order of the National Bureau of
// Statistics' tables (《中国统计年鉴2024》, i.e. GB/T 2260 code order: 北京 … 新疆, then 台湾、香港、
// 澳门). A copy of backend/core/provinces.py, the one table: tests/core/test_provinces.py fails
// when they differ. Typed by the API's enum, so the typecheck fails if the API adds or drops one.
import type { components } from "./api/schema";
import type { Lang } from "./i18n";

export type Province = components["schemas"]["Site"]["province"];

export const PROVINCES: Record<Province, readonly [zh: string, en: string]> = {
  "CN-BJ": ["北京", "Beijing"],
  "CN-TJ": ["天津", "Tianjin"],
  "CN-HE": ["河北", "Hebei"],
  "CN-SX": ["山西", "Shanxi"],
  "CN-NM": ["内蒙古", "Inner Mongolia"],
  "CN-LN": ["辽宁", "Liaoning"],
  "CN-JL": ["吉林", "Jilin"],
  "CN-HL": ["黑龙江", "Heilongjiang"],
  "CN-SH": ["上海", "Shanghai"],
  "CN-JS": ["江苏", "Jiangsu"],
  "CN-ZJ": ["浙江", "Zhejiang"],
  "CN-AH": ["安徽", "Anhui"],
  "CN-FJ": ["福建", "Fujian"],
  "CN-JX": ["江西", "Jiangxi"],
  "CN-SD": ["山东", "Shandong"],
  "CN-HA": ["河南", "Henan"],
  "CN-HB": ["湖北", "Hubei"],
  "CN-HN": ["湖南", "Hunan"],
  "CN-GD": ["广东", "Guangdong"],
  "CN-GX": ["广西", "Guangxi"],
  "CN-HI": ["海南", "Hainan"],
  "CN-CQ": ["重庆", "Chongqing"],
  "CN-SC": ["四川", "Sichuan"],
  "CN-GZ": ["贵州", "Guizhou"],
  "CN-YN": ["云南", "Yunnan"],
  "CN-XZ": ["西藏", "Xizang"],
  "CN-SN": ["陕西", "Shaanxi"],
  "CN-GS": ["甘肃", "Gansu"],
  "CN-QH": ["青海", "Qinghai"],
  "CN-NX": ["宁夏", "Ningxia"],
  "CN-XJ": ["新疆", "Xinjiang"],
  "CN-TW": ["台湾", "Taiwan"],
  "CN-HK": ["香港", "Hong Kong"],
  "CN-MO": ["澳门", "Macao"],
};

/** The codes in the statistics order (an object's string keys keep their insertion order). */
export const PROVINCE_CODES = Object.keys(PROVINCES) as Province[];

const isProvince = (key: string): key is Province => Object.hasOwn(PROVINCES, key);

/** A region of a project as people read it: a province's name, 全国 for China without a province,
 * a country's name (印度) for a project abroad, else the code itself. */
export function regionName(key: string, l: Lang): string {
  if (isProvince(key)) return PROVINCES[key][l === "zh" ? 0 : 1];
  if (key === "CN") return l === "zh" ? "全国" : "China";
  try {
    return new Intl.DisplayNames([l === "zh" ? "zh-CN" : "en"], { type: "region" }).of(key) ?? key;
  } catch {
    return key; // not a region code
  }
}

/** Statistics order: provinces as the yearbook lists them, then China, then countries by code. */
export function regionOrder(a: string, b: string): number {
  const rank = (k: string) =>
    isProvince(k) ? PROVINCE_CODES.indexOf(k) : PROVINCE_CODES.length + (k === "CN" ? 0 : 1);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
