"""The one table of China's provinces (`backend.core.provinces`): its order is the statistics
yearbook's, every code the API accepts or returns has a name, and the PWA's copy is the same."""

from __future__ import annotations

import re
from pathlib import Path

from backend.core import provinces
from backend.courts.schemas import PROVINCE
from backend.stats import labels

PWA_TABLE = Path(__file__).resolve().parents[2] / "pwa" / "src" / "app" / "provinces.ts"

# 《中国统计年鉴》's order of its provincial tables
NBS = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港",
    "澳门",
)  # fmt: skip


def test_provinces_are_in_the_statistics_order_which_is_the_gb_t_2260_order():
    assert tuple(p.short for p in provinces.TABLE) == NBS
    codes = [p.gb2260 for p in provinces.TABLE]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes) == 34
    for p in provinces.TABLE:
        assert p.full.startswith(p.short)
        assert re.fullmatch(r"CN-[A-Z]{2}", p.code)


def test_every_code_the_api_accepts_has_its_names():
    assert set(PROVINCE.choices) == set(provinces.CODES)
    for code in PROVINCE.choices:
        zh, en = labels.province(code)
        assert zh not in ("", code)
        assert en not in ("", code)
        assert provinces.name(code) != code


def test_the_pwa_catalogue_names_every_province_as_the_backend_does_in_the_same_order():
    """Issue 20: the stats page showed `province.CN-GS`; the PWA reads its copy of this table."""
    text = PWA_TABLE.read_text(encoding="utf-8")
    rows = re.findall(r'^\s*"(CN-[A-Z]{2})": \["([^"]+)", "([^"]+)"\],$', text, re.MULTILINE)
    assert rows == [(p.code, p.short, p.en) for p in provinces.TABLE]


def test_statistics_order_puts_provinces_first_then_china_then_countries():
    keys = ["IN", "CN-GS", "CN", "CN-SC", "BR", "CN-BJ"]
    assert sorted(keys, key=provinces.order) == ["CN-BJ", "CN-SC", "CN-GS", "CN", "BR", "IN"]
    assert provinces.name("CN") == "全国"
    assert provinces.name("CN-SC") == "四川省"  # court documents print the official name
