// Province-level divisions (ISO 3166-2:CN) for a damaged site. Typed by the API's enum, so the
// typecheck fails if the API adds or drops one.
import type { components } from "../api/schema";

export type Province = components["schemas"]["Site"]["province"];

export const PROVINCES: Record<Province, readonly [zh: string, en: string]> = {
  "CN-AH": ["安徽省", "Anhui"],
  "CN-BJ": ["北京市", "Beijing"],
  "CN-CQ": ["重庆市", "Chongqing"],
  "CN-FJ": ["福建省", "Fujian"],
  "CN-GD": ["广东省", "Guangdong"],
  "CN-GS": ["甘肃省", "Gansu"],
  "CN-GX": ["广西壮族自治区", "Guangxi"],
  "CN-GZ": ["贵州省", "Guizhou"],
  "CN-HA": ["河南省", "Henan"],
  "CN-HB": ["湖北省", "Hubei"],
  "CN-HE": ["河北省", "Hebei"],
  "CN-HI": ["海南省", "Hainan"],
  "CN-HK": ["香港特别行政区", "Hong Kong"],
  "CN-HL": ["黑龙江省", "Heilongjiang"],
  "CN-HN": ["湖南省", "Hunan"],
  "CN-JL": ["吉林省", "Jilin"],
  "CN-JS": ["江苏省", "Jiangsu"],
  "CN-JX": ["江西省", "Jiangxi"],
  "CN-LN": ["辽宁省", "Liaoning"],
  "CN-MO": ["澳门特别行政区", "Macao"],
  "CN-NM": ["内蒙古自治区", "Inner Mongolia"],
  "CN-NX": ["宁夏回族自治区", "Ningxia"],
  "CN-QH": ["青海省", "Qinghai"],
  "CN-SC": ["四川省", "Sichuan"],
  "CN-SD": ["山东省", "Shandong"],
  "CN-SH": ["上海市", "Shanghai"],
  "CN-SN": ["陕西省", "Shaanxi"],
  "CN-SX": ["山西省", "Shanxi"],
  "CN-TJ": ["天津市", "Tianjin"],
  "CN-TW": ["台湾省", "Taiwan"],
  "CN-XJ": ["新疆维吾尔自治区", "Xinjiang"],
  "CN-XZ": ["西藏自治区", "Tibet"],
  "CN-YN": ["云南省", "Yunnan"],
  "CN-ZJ": ["浙江省", "Zhejiang"],
};
