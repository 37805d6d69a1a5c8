"""Province-level divisions of China (ISO 3166-2:CN), the codes `Project.province` holds."""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "CN-AH": "安徽省",
    "CN-BJ": "北京市",
    "CN-CQ": "重庆市",
    "CN-FJ": "福建省",
    "CN-GD": "广东省",
    "CN-GS": "甘肃省",
    "CN-GX": "广西壮族自治区",
    "CN-GZ": "贵州省",
    "CN-HA": "河南省",
    "CN-HB": "湖北省",
    "CN-HE": "河北省",
    "CN-HI": "海南省",
    "CN-HK": "香港特别行政区",
    "CN-HL": "黑龙江省",
    "CN-HN": "湖南省",
    "CN-JL": "吉林省",
    "CN-JS": "江苏省",
    "CN-JX": "江西省",
    "CN-LN": "辽宁省",
    "CN-MO": "澳门特别行政区",
    "CN-NM": "内蒙古自治区",
    "CN-NX": "宁夏回族自治区",
    "CN-QH": "青海省",
    "CN-SC": "四川省",
    "CN-SD": "山东省",
    "CN-SH": "上海市",
    "CN-SN": "陕西省",
    "CN-SX": "山西省",
    "CN-TJ": "天津市",
    "CN-TW": "台湾省",
    "CN-XJ": "新疆维吾尔自治区",
    "CN-XZ": "西藏自治区",
    "CN-YN": "云南省",
    "CN-ZJ": "浙江省",
}


def name(code: str) -> str:
    """The Chinese name of a province code (the code itself for a country such as CN)."""
    return PROVINCES.get(code, "全国" if code == "CN" else code)
