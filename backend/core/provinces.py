"""China's province-level divisions: the one table of their codes, names and order.

Codes are ISO 3166-2:CN (`CN-SC`), what `Project.province`, `Court.province` and a case's site
hold. Each row also carries its GB/T 2260 code (GB/T 2260-2007《中华人民共和国行政区划代码》, the
codes as the Ministry of Civil Affairs published them for 2023), and the rows are in that code's
order, which is the order of the National Bureau of Statistics' tables (《中国统计年鉴2024》:
北京、天津、河北 … 新疆), followed by 台湾、香港、澳门.

Names:
- `short`: the form statistics tables use (《中国统计年鉴》: 四川、内蒙古、广西), for the stats
  page, the charts, the market report and every list a person picks from;
- `full`: the official name (四川省、广西壮族自治区), for legal documents (a court's report, a
  damaged site's place);
- `en`: the English name, in pinyin as China's official English writes it (Xizang, Inner
  Mongolia), Hong Kong and Macao as their SARs write themselves.

The PWA keeps a copy in `pwa/src/app/provinces.ts` (codes, `short` and `en`, in this order);
tests/core/test_provinces.py fails when the two differ.
"""

from __future__ import annotations

from typing import NamedTuple


class Province(NamedTuple):
    code: str  # ISO 3166-2:CN
    gb2260: str  # GB/T 2260, province level (two digits)
    short: str
    full: str
    en: str


TABLE: tuple[Province, ...] = (
    Province("CN-BJ", "11", "北京", "北京市", "Beijing"),
    Province("CN-TJ", "12", "天津", "天津市", "Tianjin"),
    Province("CN-HE", "13", "河北", "河北省", "Hebei"),
    Province("CN-SX", "14", "山西", "山西省", "Shanxi"),
    Province("CN-NM", "15", "内蒙古", "内蒙古自治区", "Inner Mongolia"),
    Province("CN-LN", "21", "辽宁", "辽宁省", "Liaoning"),
    Province("CN-JL", "22", "吉林", "吉林省", "Jilin"),
    Province("CN-HL", "23", "黑龙江", "黑龙江省", "Heilongjiang"),
    Province("CN-SH", "31", "上海", "上海市", "Shanghai"),
    Province("CN-JS", "32", "江苏", "江苏省", "Jiangsu"),
    Province("CN-ZJ", "33", "浙江", "浙江省", "Zhejiang"),
    Province("CN-AH", "34", "安徽", "安徽省", "Anhui"),
    Province("CN-FJ", "35", "福建", "福建省", "Fujian"),
    Province("CN-JX", "36", "江西", "江西省", "Jiangxi"),
    Province("CN-SD", "37", "山东", "山东省", "Shandong"),
    Province("CN-HA", "41", "河南", "河南省", "Henan"),
    Province("CN-HB", "42", "湖北", "湖北省", "Hubei"),
    Province("CN-HN", "43", "湖南", "湖南省", "Hunan"),
    Province("CN-GD", "44", "广东", "广东省", "Guangdong"),
    Province("CN-GX", "45", "广西", "广西壮族自治区", "Guangxi"),
    Province("CN-HI", "46", "海南", "海南省", "Hainan"),
    Province("CN-CQ", "50", "重庆", "重庆市", "Chongqing"),
    Province("CN-SC", "51", "四川", "四川省", "Sichuan"),
    Province("CN-GZ", "52", "贵州", "贵州省", "Guizhou"),
    Province("CN-YN", "53", "云南", "云南省", "Yunnan"),
    Province("CN-XZ", "54", "西藏", "西藏自治区", "Xizang"),
    Province("CN-SN", "61", "陕西", "陕西省", "Shaanxi"),
    Province("CN-GS", "62", "甘肃", "甘肃省", "Gansu"),
    Province("CN-QH", "63", "青海", "青海省", "Qinghai"),
    Province("CN-NX", "64", "宁夏", "宁夏回族自治区", "Ningxia"),
    Province("CN-XJ", "65", "新疆", "新疆维吾尔自治区", "Xinjiang"),
    Province("CN-TW", "71", "台湾", "台湾省", "Taiwan"),
    Province("CN-HK", "81", "香港", "香港特别行政区", "Hong Kong"),
    Province("CN-MO", "82", "澳门", "澳门特别行政区", "Macao"),
)

BY_CODE: dict[str, Province] = {p.code: p for p in TABLE}
CODES: tuple[str, ...] = tuple(BY_CODE)  # in the statistics order
# The official name of each code (what a court's documents print), in the statistics order.
PROVINCES: dict[str, str] = {p.code: p.full for p in TABLE}
NATIONAL = ("全国", "China")  # a project in China without a province (its country, CN)


def name(code: str) -> str:
    """The official Chinese name of a province code (全国 for CN, else the code itself)."""
    if code in BY_CODE:
        return BY_CODE[code].full
    return NATIONAL[0] if code == "CN" else code


_RANK = {code: i for i, code in enumerate(CODES)}


def order(key: str) -> tuple[int, str]:
    """Where a region sorts in statistics tables: provinces in order, then China without a
    province (CN), then countries by code."""
    return (_RANK.get(key, len(CODES) + (key != "CN")), key)
