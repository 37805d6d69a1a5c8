"""Fonts: Noto CJK (Simplified Chinese) from a system package, never a fallback.

Every image we draw (certificates, court reports, charts) is Chinese first, so a font without
CJK glyphs would draw boxes ("tofu") where names are. We therefore look only for Noto Sans/Serif
CJK, in this order:

1. the directory named by ``CERTIFICATE_FONT_DIR``, if set (the name predates charts and
   reports, and deployments set it);
2. the directories where distributions install them: Debian and Ubuntu's ``fonts-noto-cjk``
   (``/usr/share/fonts/opentype/noto``), Fedora's and Arch's (``/usr/share/fonts/noto-cjk``,
   ``/usr/share/fonts/google-noto-cjk``).

The ``.ttc`` collections hold one face per region (JP, KR, SC, TC, HK and their Mono
variants); the Simplified Chinese face is found by its family name, not by a fixed index
(index 2 in Debian's 2.004 collections). Without a font, `FontNotFound` says how to install one
(``make fonts``).

PDFs (a certificate's statement and report) embed their font, and ReportLab embeds only
TrueType outlines, which Noto CJK (CFF outlines) lacks. `pdf_font` finds WenQuanYi Micro Hei
(Debian's ``fonts-wqy-microhei``, TrueType, Simplified Chinese and Latin in one face) in the
same directories and in those its packages use.
"""

from __future__ import annotations

import enum
import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import ImageFont

ENV_DIR = "CERTIFICATE_FONT_DIR"
SYSTEM_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian, Ubuntu: fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk"),  # Fedora (google-noto-*-cjk-fonts), Arch (noto-fonts-cjk)
    Path("/usr/share/fonts/google-noto-cjk"),  # older Fedora
)
PDF_DIRS = (
    Path("/usr/share/fonts/truetype/wqy"),  # Debian, Ubuntu: fonts-wqy-microhei
    Path("/usr/share/fonts/wqy-microhei"),  # Fedora: wqy-microhei-fonts
    Path("/usr/share/fonts/wenquanyi/wqy-microhei"),  # Arch: wqy-microhei
)
PDF_FILE = "wqy-microhei.ttc"
INSTALL_HINT = (
    "`make fonts` installs them (Debian package fonts-noto-cjk), or set CERTIFICATE_FONT_DIR "
    "to a directory holding NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc"
)


class Face(enum.StrEnum):
    sans = "sans"
    sans_bold = "sans-bold"
    serif = "serif"
    serif_bold = "serif-bold"


# File names tried for each face, best first. The serif faces fall back to the sans file of the
# same weight (still CJK; Debian ships both in fonts-noto-cjk). The .otf names are the single-
# region files Google distributes (NotoSansSC-*.otf, NotoSansCJKsc-*.otf).
_FILES: dict[Face, tuple[str, ...]] = {
    Face.sans: ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf"),
    Face.sans_bold: ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
    Face.serif: (
        "NotoSerifCJK-Regular.ttc",
        "NotoSerifCJKsc-Regular.otf",
        "NotoSerifSC-Regular.otf",
    ),
    Face.serif_bold: ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSerifSC-Bold.otf"),
}
_FALLBACK = {Face.serif: Face.sans, Face.serif_bold: Face.sans_bold}


class FontNotFound(RuntimeError):
    """No Noto CJK font with a Simplified Chinese face was found."""


@dataclass(frozen=True)
class FontFile:
    """One face of a font file: its path and its index in a collection (0 for a single font)."""

    path: str
    index: int
    family: str  # e.g. "Noto Serif CJK SC"


def search_dirs(system: tuple[Path, ...] | None = None) -> list[Path]:
    """Where fonts are looked for, in order: CERTIFICATE_FONT_DIR, then `system` (default: the
    Noto CJK directories)."""
    override = os.environ.get(ENV_DIR, "").strip()
    return ([Path(override)] if override else []) + list(SYSTEM_DIRS if system is None else system)


def sc_index(path: str | Path) -> tuple[int, str] | None:
    """The index and family name of the Simplified Chinese (non-Mono) face in a font file."""
    for index in range(32):  # a collection's faces, until FreeType says there are no more
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC") and "Mono" not in family:
            return index, family
    return None


def _find(face: Face, dirs: list[Path]) -> FontFile | None:
    for directory in dirs:
        for name in _FILES[face]:
            path = directory / name
            if not path.is_file():
                continue
            found = sc_index(path)
            if found is not None:
                return FontFile(str(path), found[0], found[1])
    return None


_lock = threading.Lock()


def locate(face: Face) -> FontFile:
    """The font file for `face`: CERTIFICATE_FONT_DIR first, then the system's Noto CJK."""
    with _lock:
        return _locate(face, tuple(search_dirs()))


@lru_cache(maxsize=16)
def _locate(face: Face, dirs: tuple[Path, ...]) -> FontFile:
    found = _find(face, list(dirs))
    if found is None and face in _FALLBACK:
        found = _find(_FALLBACK[face], list(dirs))
    if found is None:
        raise FontNotFound(
            f"No Noto CJK font (Simplified Chinese) for the {face.value} face in "
            f"{', '.join(str(d) for d in dirs)}: {INSTALL_HINT}."
        )
    return found


def pdf_font() -> FontFile:
    """The TrueType CJK font PDFs embed: CERTIFICATE_FONT_DIR first, then the system's."""
    for directory in search_dirs(PDF_DIRS):
        path = directory / PDF_FILE
        if path.is_file():
            family = truetype(str(path), 12, 0).getname()[0] or ""
            return FontFile(str(path), 0, family)
    raise FontNotFound(
        f"No {PDF_FILE} (TrueType CJK, for PDFs) in CERTIFICATE_FONT_DIR or "
        f"{', '.join(str(d) for d in PDF_DIRS)}: `make fonts` installs it (Debian package "
        "fonts-wqy-microhei)."
    )


def font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """The face at `size` pixels, loaded once per process (cached by path, size and index)."""
    return _font(face, size, os.environ.get(ENV_DIR, ""))


@lru_cache(maxsize=1024)
def _font(face: Face, size: int, _override: str) -> ImageFont.FreeTypeFont:
    f = locate(face)
    return truetype(f.path, size, f.index)


@lru_cache(maxsize=512)
def truetype(path: str, size: int, index: int) -> ImageFont.FreeTypeFont:
    """`ImageFont.truetype`, cached: loading a 20 MB collection face costs far more than a
    lookup, and a certificate uses a few dozen (face, size) pairs per width."""
    return ImageFont.truetype(path, size, index=index)


@lru_cache(maxsize=16)
def _cmap(path: str, index: int) -> frozenset[int]:
    """The code points a face maps to a glyph (its best Unicode cmap), read with fontTools."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # only needed here

    tt: Any = TTFont(path, fontNumber=index, lazy=True)
    try:
        cmap = tt.getBestCmap() or {}
        return frozenset(cp for cp, glyph in cmap.items() if glyph and glyph != ".notdef")
    finally:
        tt.close()


def missing_glyphs(text: str, font: ImageFont.FreeTypeFont | FontFile) -> set[str]:
    """The characters of `text` that `font` has no glyph for (they would be drawn as tofu).

    Whitespace, control and format characters (a zero-width joiner, say) are not drawn as
    glyphs, so they are never reported; private-use and unassigned code points are.
    """
    if isinstance(font, FontFile):
        path, index = font.path, font.index
    else:
        path, index = str(font.path), int(getattr(font, "index", 0))
    have = _cmap(path, index)
    return {
        ch
        for ch in set(text)
        if not ch.isspace() and unicodedata.category(ch) not in {"Cc", "Cf"} and ord(ch) not in have
    }
