"""Fonts: every face is a Simplified Chinese Noto CJK face from the system, found by family
name, with an override directory and a clear error when none is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.imaging import fonts

PLACES = ("碳惠天府", "熊猫", "甘孜", "宝兴", "川西林盘", "欧阳娜娜·成都环交所（测试）")
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;-–—/?&=_%#+()"


@pytest.mark.parametrize("face", list(fonts.Face))
def test_every_face_is_a_simplified_chinese_noto_cjk(face: fonts.Face) -> None:
    found = fonts.locate(face)
    assert Path(found.path).is_file()
    assert found.family.startswith("Noto ")
    assert found.family.endswith(" CJK SC")
    assert fonts.font(face, 20).getname()[0] == found.family


@pytest.mark.parametrize("face", list(fonts.Face))
def test_no_tofu_for_places_names_digits_and_latin(face: fonts.Face) -> None:
    text = "".join((*PLACES, LATIN, "年月日…·（）：，"))
    assert fonts.missing_glyphs(text, fonts.font(face, 24)) == set()


def test_missing_glyphs_reports_what_the_font_lacks() -> None:
    f = fonts.font(fonts.Face.sans, 24)
    assert fonts.missing_glyphs("碳😀\ue000 x", f) == {"😀", "\ue000"}  # emoji, private use
    assert fonts.missing_glyphs("₂", f) == {"₂"}  # why CO2e's 2 is drawn as a small digit
    assert fonts.missing_glyphs(" \n\t", f) == set()
    assert fonts.missing_glyphs("碳😀", fonts.locate(fonts.Face.sans)) == {"😀"}


def test_font_cache_returns_the_same_object() -> None:
    assert fonts.font(fonts.Face.serif_bold, 31) is fonts.font(fonts.Face.serif_bold, 31)


def test_override_directory_is_used_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path(fonts.locate(fonts.Face.sans).path)
    (tmp_path / real.name).symlink_to(real)
    monkeypatch.setenv(fonts.ENV_DIR, str(tmp_path))
    assert fonts.locate(fonts.Face.sans).path == str(tmp_path / real.name)
    # a face missing from the override falls through to the system's package
    assert Path(fonts.locate(fonts.Face.serif_bold).path).parent != tmp_path


def test_no_font_is_an_error_that_says_how_to_install_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")  # a font without CJK is never picked
    monkeypatch.setenv(fonts.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(fonts, "SYSTEM_DIRS", ())
    with pytest.raises(fonts.FontNotFound, match="make fonts"):
        fonts.locate(fonts.Face.sans)


def test_serif_falls_back_to_sans_of_the_same_weight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path(fonts.locate(fonts.Face.sans_bold).path)
    (tmp_path / real.name).symlink_to(real)
    monkeypatch.setenv(fonts.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(fonts, "SYSTEM_DIRS", ())
    found = fonts.locate(fonts.Face.serif_bold)
    assert found.path == str(tmp_path / real.name)
    assert found.family == "Noto Sans CJK SC"


def test_the_pdf_font_is_truetype_cjk_so_reportlab_can_embed_it() -> None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    found = fonts.pdf_font()
    assert found.family == "WenQuanYi Micro Hei"
    tt = TTFont(found.path, fontNumber=found.index, lazy=True)
    assert "glyf" in tt  # TrueType outlines: Noto CJK's CFF ones cannot be embedded by ReportLab
    assert "CFF " not in tt
    text = "".join(
        (*PLACES, LATIN, "年月日…·（）：，“”碳中和声明核算报告范围一二三阶段筹备举办收尾")
    )
    assert fonts.missing_glyphs(text, found) == set()


def test_the_pdf_font_is_found_in_the_override_or_named_by_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path(fonts.pdf_font().path)
    (tmp_path / real.name).symlink_to(real)
    monkeypatch.setenv(fonts.ENV_DIR, str(tmp_path))
    assert fonts.pdf_font().path == str(tmp_path / real.name)
    monkeypatch.setenv(fonts.ENV_DIR, str(tmp_path / "empty"))
    monkeypatch.setattr(fonts, "PDF_DIRS", ())
    with pytest.raises(fonts.FontNotFound, match="fonts-wqy-microhei"):
        fonts.pdf_font()
