"""The market report's charts as PNG: bars drawn with Pillow in Noto CJK, titles Chinese first.

`render(chart, report)` draws one chart of a report from `services.report`: horizontal bars for
the tables (scenario, standard, project type, province) and columns for the months (China's, from
the report), and the reduction credited by carbon-inclusion action type. The bytes depend only
on the figures and labels drawn (no time, no metadata), so the same report gives the same image
and its digest is a strong ETag. Fonts, text fitting and the
palette are the shared `backend.imaging`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from backend.certificates.view import mass_label
from backend.core.errors import NotFound
from backend.imaging import palette
from backend.imaging.fonts import Face, font
from backend.imaging.palette import GOLD, INK, JADE, MIST, MUTED, PAPER
from backend.imaging.text import ellipsize
from backend.points.statistics import Reduction
from backend.stats.report import MarketReport, MonthRow, Row, ScenarioRow

# 2: the shared palette; 3: the registry split under the summary; 4: axis titles, English months,
# provinces by their names in the statistics order; 5: the points chart
RENDER_VERSION = 5
WIDTH = 1200
LABEL_LEFT, BAR_LEFT = 48, 330  # where a horizontal bar's labels and the bar begin
RULE = 180  # the gold rule under the title and the summary; the chart is below it

MAX_BARS = 15  # rows drawn before the rest are summed into one "其他 Others" bar
NO_DATA = "本年度暂无数据 · No data for this year"
UNIT = "以二氧化碳当量计 · mass in CO2e"
OTHERS = ("其他", "Others")
# The month chart's axes: what each one measures, and in what (the values carry their unit).
X_AXIS = "月份 Month"
Y_AXIS = "碳中和量（二氧化碳当量） Mass neutralised, CO2e"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SOURCE = "点点碳中和平台 Diandian · 数据来源：有效碳中和证书 (valid certificates)"
POINTS_SOURCE = "点点碳普惠 Diandian · 数据来源：已确认的低碳行动 (confirmed green actions)"


@dataclass(frozen=True)
class Chart:
    table: str  # the report's key
    title_zh: str
    title_en: str
    points: bool = False  # of carbon-inclusion points, not certificates


CHARTS: dict[str, Chart] = {
    "by-scenario": Chart("by_scenario", "按碳中和场景", "Mass by scenario"),
    "by-standard": Chart("by_standard", "按碳信用标准", "Mass by credit standard"),
    "by-type": Chart("by_project_type", "按项目类型", "Mass by project type"),
    "by-province": Chart("by_province", "按项目来源地区", "Mass by project province"),
    "by-month": Chart("by_month", "按月份", "Mass by month"),
    "by-action": Chart(
        "by_action_type", "按行动类型的减排量", "Reductions by action type", points=True
    ),
}


def chart_of(name: str) -> Chart:
    found = CHARTS.get(name)
    if found is None:
        raise NotFound("stats.no_chart", params={"name": name, "charts": list(CHARTS)})
    return found


Table = tuple[Row, ...] | tuple[ScenarioRow, ...] | tuple[MonthRow, ...] | tuple[Reduction, ...]


def _table(chart: Chart, report: MarketReport) -> Table:
    table: Table = getattr(report, chart.table)
    return table


def texts(name: str, report: MarketReport) -> list[str]:
    """Every string a chart draws (the tests check each has its glyphs in the font)."""
    chart = chart_of(name)
    out = [*_title(chart, report.year), UNIT, NO_DATA, *OTHERS, *_summary(chart, report)]
    out.append(_source(chart))
    if chart.table == "by_month":
        out += [X_AXIS, Y_AXIS]
    for row in _table(chart, report):
        out += [*_labels(row), mass_label(row.mass_g)]
    return out


def _title(chart: Chart, year: int) -> tuple[str, str]:
    scheme_zh, scheme_en = (
        ("点点碳普惠", "Diandian points") if chart.points else ("点点碳中和", "Diandian")
    )
    return f"{year}年 {scheme_zh} · {chart.title_zh}", f"{scheme_en} {year}: {chart.title_en}"


def _source(chart: Chart) -> str:
    return POINTS_SOURCE if chart.points else SOURCE


def _summary(chart: Chart, report: MarketReport) -> tuple[str, str]:
    """The year's totals, with the grams retired at the registry apart from those pending
    there (allocated, not yet retired: never shown as done); for points, confirmed actions
    apart from pending ones."""
    if chart.points:
        by_type = report.by_action_type
        n, mass = f"{sum(r.actions for r in by_type):,}", mass_label(report.points.reduced_g)
        wait = f"{sum(r.pending_actions for r in by_type):,}"
        later = mass_label(report.points.pending_g)
        return (
            f"全年确认低碳行动 {n} 次，减排 {mass}；待确认 {wait} 次，{later}",
            f"{n} confirmed green actions, {mass} reduced; {wait} pending, {later}",
        )
    n, mass = f"{report.neutralisations:,}", mass_label(report.mass_g)
    done, pending = mass_label(report.registry_retired_g), mass_label(report.registry_pending_g)
    return (
        f"全年碳中和 {n} 次，{mass}：已在登记簿注销 {done}，登记注销待办 {pending}",
        f"{n} neutralisations, {mass}: {done} retired at the registry, {pending} pending",
    )


def _labels(row: Row | ScenarioRow | MonthRow | Reduction) -> tuple[str, str]:
    if isinstance(row, MonthRow):  # YYYY-MM, already China's month
        month = int(row.key[5:])
        return f"{month}月", MONTHS_EN[month - 1]
    return row.label_zh, row.label_en


def _bars(chart: Chart, report: MarketReport) -> list[tuple[str, str, int]]:
    rows = [(*_labels(r), r.mass_g) for r in _table(chart, report)]
    if len(rows) > MAX_BARS:
        rest = sum(g for _, _, g in rows[MAX_BARS - 1 :])
        rows = [*rows[: MAX_BARS - 1], (*OTHERS, rest)]
    return rows


def render(name: str, report: MarketReport) -> bytes:
    """The chart `name` of `report` as an 8-bit palette PNG."""
    chart = chart_of(name)
    bars = _bars(chart, report)
    columns = chart.table == "by_month"
    height = 664 if columns else RULE + 74 + max(len(bars), 1) * 52 + 70
    img = Image.new("RGB", (WIDTH, height), PAPER)
    d = ImageDraw.Draw(img)
    zh, en = _title(chart, report.year)
    d.text((LABEL_LEFT, 36), zh, font=font(Face.sans_bold, 34), fill=JADE)
    d.text((LABEL_LEFT, 84), en, font=font(Face.sans, 22), fill=MUTED)
    summary_zh, summary_en = _summary(chart, report)
    d.text((LABEL_LEFT, 122), summary_zh, font=font(Face.sans, 18), fill=INK)
    d.text((LABEL_LEFT, 148), summary_en, font=font(Face.sans, 16), fill=MUTED)
    d.text((WIDTH - 48, 148), UNIT, font=font(Face.sans, 16), fill=MUTED, anchor="ra")
    d.line((LABEL_LEFT, RULE, WIDTH - 48, RULE), fill=GOLD, width=2)
    top = max((g for _, _, g in bars), default=0)
    if top == 0 and not columns:
        d.text((WIDTH // 2, RULE + 44), NO_DATA, font=font(Face.sans, 24), fill=MUTED, anchor="mt")
    if columns:
        _columns(d, bars, top, height)
    elif top > 0 or bars:
        _horizontal(d, bars, top)
    d.text((LABEL_LEFT, height - 40), _source(chart), font=font(Face.sans, 14), fill=MUTED)
    return palette.png(img)


def _horizontal(d: ImageDraw.ImageDraw, bars: list[tuple[str, str, int]], top: int) -> None:
    right, y = WIDTH - 190, RULE + 34
    room = BAR_LEFT - LABEL_LEFT - 12  # a label never runs into its bar
    f_zh, f_en, f_value = font(Face.sans, 20), font(Face.sans, 14), font(Face.sans, 18)
    for zh, en, g in bars:
        d.text((LABEL_LEFT, y + 2), ellipsize(f_zh, zh, room), font=f_zh, fill=INK)
        d.text((LABEL_LEFT, y + 28), ellipsize(f_en, en, room), font=f_en, fill=MUTED)
        d.rectangle((BAR_LEFT, y + 6, right, y + 38), fill=MIST)
        if g > 0 and top > 0:
            end = BAR_LEFT + max(2, (right - BAR_LEFT) * g // top)
            d.rectangle((BAR_LEFT, y + 6, end, y + 38), fill=JADE)
        d.text((right + 12, y + 12), mass_label(g), font=f_value, fill=INK)
        y += 52


def _columns(d: ImageDraw.ImageDraw, bars: list[tuple[str, str, int]], top: int, h: int) -> None:
    base, ceiling, left = h - 110, RULE + 74, 80
    step = (WIDTH - 2 * left) // max(len(bars), 1)
    d.line((left - 10, base, WIDTH - left + 10, base), fill=INK, width=2)
    if top == 0:
        d.text((WIDTH // 2, 300), NO_DATA, font=font(Face.sans, 24), fill=MUTED, anchor="mt")
    d.line((left - 10, ceiling - 24, left - 10, base), fill=INK, width=2)
    d.text((left - 4, ceiling - 30), Y_AXIS, font=font(Face.sans, 14), fill=MUTED, anchor="lb")
    axis = font(Face.sans, 14)
    d.text((WIDTH - left + 10, base + 62), X_AXIS, font=axis, fill=MUTED, anchor="ra")
    for i, (zh, en, g) in enumerate(bars):
        x = left + i * step + step // 2
        bar = (base - ceiling) * g // top if top else 0
        if g > 0:
            d.rectangle((x - step // 3, base - max(bar, 2), x + step // 3, base), fill=JADE)
        d.text((x, base + 12), zh, font=font(Face.sans, 18), fill=INK, anchor="mt")
        d.text((x, base + 36), en, font=font(Face.sans, 13), fill=MUTED, anchor="mt")
        value = mass_label(g) if g else "0"
        d.text((x, base - max(bar, 2) - 8), value, font=font(Face.sans, 13), fill=INK, anchor="mb")


@dataclass(frozen=True)
class Png:
    body: bytes
    etag: str


def content_key(name: str, report: MarketReport) -> str:
    """A digest of everything the chart shows (its rows, the year, the totals)."""
    chart = chart_of(name)
    drawn = repr(
        (
            RENDER_VERSION,
            name,
            report.year,
            _summary(chart, report),
            _bars(chart, report),
        )
    )
    return hashlib.sha256(drawn.encode()).hexdigest()[:32]


class ChartCache:
    """The latest renders by content, so a chart is drawn once per change of its figures."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, Png] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, draw: Callable[[], bytes]) -> Png:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        png = Png(draw(), key)
        with self._lock:
            self._items[key] = png
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return png


CACHE = ChartCache()
