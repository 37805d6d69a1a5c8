"""The certificate PNG: fonts without tofu, a QR that a real decoder reads, determinism, sizes,
variants, and a layout that never runs into the footer."""

from __future__ import annotations

import io
import math
import struct
from dataclasses import replace
from datetime import date
from typing import cast

import pytest
import zxingcpp
from PIL import Image

from backend.certificates import render
from backend.certificates.view import (
    CertificateStatus,
    CertificateView,
    CreditLine,
    RegistryStatus,
)
from backend.footprint.purpose import Purpose, PurposeKind
from backend.imaging import fonts, pen, qr, text

PLACES = ("碳惠天府", "熊猫", "甘孜", "宝兴", "川西林盘")
LONG_NAME = "欧阳娜娜·成都环交所（测试）"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;-–—/?&=_%#+()"
SIG = "Qk2x" * 21 + "Qk"  # 86 characters, like an Ed25519 signature in base64url


def credit(i: int = 0, status: RegistryStatus = RegistryStatus.retired) -> CreditLine:
    projects = (
        ("CCER", "川西林盘生态碳汇项目", "Chuanxi Linpan Ecological Carbon Sink"),
        ("CDCER", "碳惠天府·熊猫栖息地保护", "Tanhui Tianfu · Panda Habitat Protection"),
        ("VCU", "甘孜州户用沼气项目", "Garze Household Biogas"),
        ("CER", "宝兴县小水电项目", "Baoxing Small Hydropower"),
    )
    standard, zh, en = projects[i % len(projects)]
    return CreditLine(
        standard=standard,
        project_name_zh=zh,
        project_name_en=en,
        project_type="forestry",
        province="四川",
        vintage=2019 + i % 5,
        serials=f"{100_000 + i * 7}–{100_002 + i * 7}",
        mass_g=1_000_000 + i * 12_345,
        registry_status=status,
        registry_ref="REF-1" if status is RegistryStatus.retired else None,
    )


def url(extra: int = 160) -> str:
    """A verify URL shaped like the real one: the number, a base64url claim, a signature."""
    claim = ("eyJiIjoi5byg5LiJIiwiZCI6IjIwMjYtMDUtMTciLCJoIjoi" * 8)[:extra]
    return f"https://diandian.example/verify/DD-2026-000123?c={claim}&s={SIG}"


def make_view(**changes: object) -> CertificateView:
    view = CertificateView(
        number="DD-2026-000123",
        status=CertificateStatus.valid,
        beneficiary="张三",
        purpose=Purpose(PurposeKind.meeting, "2026 成都碳中和论坛"),
        footprint_mass_g=198_330,
        mass_g=198_330,
        issued_on=date(2026, 5, 17),
        issuer="点点碳中和服务 Diandian Carbon Neutral Service",
        credits=(credit(0), credit(1, RegistryStatus.pending)),
        verify_url=url(),
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def extreme_view() -> CertificateView:
    return make_view(
        beneficiary=LONG_NAME + "碳中和志愿者联合会与四川省大熊猫保护基金会联合体",
        purpose=Purpose(
            PurposeKind.restoration,
            "(2026) 川0104刑初123号: 生态环境损害赔偿 — restorative purchase "
            "for illegal logging in 宝兴县 and 甘孜州, with a long English explanation",
        ),
        credits=tuple(credit(i, RegistryStatus(("retired", "pending")[i % 2])) for i in range(23)),
        judicial=True,
        sandbox=True,
        status=CertificateStatus.revoked,
        verify_url=url(330),
    )


def decode(png: bytes) -> list[zxingcpp.Barcode]:
    with Image.open(io.BytesIO(png)) as im:
        return list(zxingcpp.read_barcodes(im.convert("L")))


# --- fonts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("face", list(fonts.Face))
def test_no_tofu_for_places_names_labels_digits_and_latin(face: fonts.Face) -> None:
    drawn = "".join((*PLACES, LONG_NAME, *render.FIXED_TEXT, LATIN, "年月日…·（）：，"))
    assert fonts.missing_glyphs(drawn, fonts.font(face, 24)) == set()


# --- the QR code ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [600, 1240, 2480])
def test_qr_decodes_to_the_verify_url(width: int) -> None:
    view = make_view()
    found = decode(render.render_png(view, width))
    assert [b.text for b in found] == [view.verify_url]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].ec_level in {"M", "Q", "H"}
    assert found[0].ec_level == render.compose(view, width).qr_level


@pytest.mark.parametrize("width", [600, 1240, 2480])
def test_long_url_still_decodes_on_a_revoked_judicial_certificate(width: int) -> None:
    view = extreme_view()
    assert len(view.verify_url) > 400
    found = decode(render.render_png(view, width))
    assert [b.text for b in found] == [view.verify_url]
    assert found[0].ec_level in {"M", "Q", "H"}


def test_a_short_url_gets_the_strongest_correction() -> None:
    view = make_view(verify_url="https://diandian.example/verify/DD-2026-000123")
    found = decode(render.render_png(view, 1240))
    assert [(b.text, b.ec_level) for b in found] == [(view.verify_url, "H")]


def test_same_view_same_bytes_with_cold_or_warm_caches() -> None:
    view = make_view()
    warm = render.render_png(view, 1240)
    assert render.render_png(view, 1240) == warm
    for cached in (render.layer, render.layer_p, pen.text_mask, text.text_width, qr.symbol):
        cached.cache_clear()
    assert render.render_png(view, 1240) == warm


def test_different_beneficiary_different_bytes() -> None:
    assert render.render_png(make_view(), 1240) != render.render_png(
        make_view(beneficiary="李四"), 1240
    )


def test_png_carries_no_varying_metadata() -> None:
    png = render.render_png(make_view(), 1240)
    chunks, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        chunks.append(png[pos + 4 : pos + 8].decode())
        pos += 12 + length
    assert set(chunks) == {"IHDR", "PLTE", "pHYs", "IDAT", "IEND"}
    with Image.open(io.BytesIO(png)) as im:
        assert im.mode == "P"
        assert round(im.info["dpi"][0]) == 150


@pytest.mark.parametrize("width", [599, 2481, 0, -1240])
def test_width_outside_600_to_2480_is_refused(width: int) -> None:
    with pytest.raises(ValueError, match="600 and 2480"):
        render.render_png(make_view(), width)


@pytest.mark.parametrize("width", [600, 601, 777, 1240, 2480])
def test_a4_proportions(width: int) -> None:
    with Image.open(io.BytesIO(render.render_png(make_view(), width))) as im:
        assert im.size == (width, round(width * math.sqrt(2)))


def test_default_width_is_a4_at_150_dpi() -> None:
    with Image.open(io.BytesIO(render.render_png(make_view()))) as im:
        assert im.size == (1240, 1754)


def test_revoked_judicial_and_sandbox_variants_render_and_differ() -> None:
    base = make_view()
    variants = {
        "valid": base,
        "revoked": replace(base, status=CertificateStatus.revoked),
        "judicial": replace(base, judicial=True),
        "both": replace(base, status=CertificateStatus.revoked, judicial=True),
        "sandbox": replace(base, sandbox=True),
    }
    pngs = {name: render.render_png(view, 1240) for name, view in variants.items()}
    assert len(set(pngs.values())) == len(pngs)
    for png in pngs.values():
        assert decode(png)[0].text == base.verify_url


def test_revoked_stamp_is_red() -> None:
    def red_pixels(view: CertificateView) -> int:
        with Image.open(io.BytesIO(render.render_png(view, 1240))) as im:
            rgb = im.convert("RGB")
        red = 0
        for count, color in rgb.getcolors(1 << 16) or []:
            r, g, b = cast(tuple[int, int, int], color)
            red += count if r > 150 and g < 90 and b < 100 else 0
        return red

    assert red_pixels(make_view()) == 0
    assert red_pixels(make_view(status=CertificateStatus.revoked)) > 20_000


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [600, 700, 1240, 2480])
def test_long_name_and_many_credits_never_reach_the_footer(width: int) -> None:
    view = extreme_view()
    c = render.compose(view, width)
    assert c.body_bottom < c.table_top < c.table_bottom <= c.footer_top
    assert c.rows_shown <= render.MAX_CREDIT_ROWS
    assert c.rows_shown + c.rows_hidden == len(view.credits)
    # at 600 px, a 52-character name, a two-line purpose, the judicial band and a QR card
    # grown for a 470-character URL leave room only for "+23 more, scan to see all"
    assert c.rows_shown >= (0 if width == 600 else 1)


@pytest.mark.parametrize("width", [600, 1240])
def test_a_long_name_still_leaves_room_for_credit_rows(width: int) -> None:
    view = make_view(
        beneficiary=LONG_NAME + "碳中和志愿者联合会",
        credits=tuple(credit(i) for i in range(12)),
        judicial=True,
        verify_url=url(240),
    )
    c = render.compose(view, width)
    assert c.table_bottom <= c.footer_top
    assert c.rows_shown >= 1


@pytest.mark.parametrize("width", [600, 1240, 2480])
def test_typical_certificate_shows_its_credits_and_the_pooled_retirement(width: int) -> None:
    c = render.compose(make_view(), width)
    # a phone's share image (600 px) gives its second row to the pooled-retirement statement
    assert (c.rows_shown, c.rows_hidden) == ((1, 1) if width == 600 else (2, 0))
    assert c.pooled_note
    assert c.table_bottom <= c.footer_top


def test_no_credits_and_no_footprint_render() -> None:
    view = make_view(credits=(), footprint_mass_g=None)
    assert decode(render.render_png(view, 600))[0].text == view.verify_url


@pytest.mark.parametrize("width", [600, 1240])
def test_only_the_dirty_box_is_drawn_on(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering into the whole page instead of the dirty box changes nothing."""
    views = (make_view(), extreme_view())
    parts = [render.render_png(view, width) for view in views]

    def whole_page(lay: render.Layout, view: CertificateView) -> tuple[int, int, int, int]:
        return 0, 0, lay.m.width, lay.m.height

    monkeypatch.setattr(render, "dirty_box", whole_page)
    assert [render.render_png(view, width) for view in views] == parts


def test_render_processes_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    view = make_view()
    here = render.render_png(view, 600)
    monkeypatch.setenv(render.RENDER_PROCESSES_ENV, "1")
    try:
        assert render.render_png(view, 600) == here
        assert render.POOL.pools  # it did go through a child process
        with pytest.raises(ValueError, match="600 and 2480"):
            render.render_png(view, 599)
    finally:
        render.POOL.shutdown()
