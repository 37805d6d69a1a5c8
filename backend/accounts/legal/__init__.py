"""The texts people accept: the 用户协议 (terms), the 隐私政策 (privacy policy), and the separate
consents PIPL asks for sensitive personal information (judicial records, precise travel data).

Each text is a Markdown file per language beside this module, `<document>.<lang>.md`, Chinese
first (authoritative) with an English translation. Its TOML front matter gives the title, the
version a consent records, and the date it takes effect; both languages carry the same version
(a test checks). Changing a text means raising its version, and everyone is asked again.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt

HERE = Path(__file__).parent
LANGS = ("zh", "en")
FENCE = "+++"


class Document(enum.StrEnum):
    terms = "terms"
    privacy = "privacy"
    judicial = "judicial"
    travel = "travel"


# Accepted before an account is made, and again at each new version.
REQUIRED = (Document.terms, Document.privacy)
# Sensitive personal information (PIPL art. 28-29): a separate consent, asked where it is used.
SENSITIVE = (Document.judicial, Document.travel)

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Text:
    """One document in one language."""

    document: Document
    lang: str
    title: str
    version: str
    effective: date
    markdown: str

    @property
    def html(self) -> str:
        """The Markdown as HTML (raw HTML in the source is escaped, never passed through)."""
        return _markdown.render(self.markdown)

    @property
    def sensitive(self) -> bool:
        return self.document in SENSITIVE


def _split(raw: str, path: Path) -> tuple[dict[str, object], str]:
    head, sep, body = raw.removeprefix(FENCE + "\n").partition("\n" + FENCE + "\n")
    if not raw.startswith(FENCE) or not sep:
        raise ValueError(f"{path.name} must begin with +++ TOML front matter +++")
    return tomllib.loads(head), body.lstrip("\n")


@functools.cache
def text(document: Document, lang: str = "zh") -> Text:
    """A document in a language (`zh` or `en`)."""
    if lang not in LANGS:
        raise ValueError(f"no language {lang!r}")
    path = HERE / f"{document.value}.{lang}.md"
    meta, body = _split(path.read_text(encoding="utf-8"), path)
    return Text(
        document=document,
        lang=lang,
        title=str(meta["title"]),
        version=str(meta["version"]),
        effective=date.fromisoformat(str(meta["effective"])),
        markdown=body,
    )


def version(document: Document) -> str:
    """The version in force (the Chinese text's)."""
    return text(document).version
