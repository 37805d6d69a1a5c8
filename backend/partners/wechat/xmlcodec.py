"""WeChat's XML: reading messages safely (defusedxml: no DTD, no entities, no external
references, so no XML bomb and no XXE) and writing replies with CDATA text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

MAX_BYTES = 64 * 1024  # WeChat messages are a few hundred bytes; an Encrypt grows them by 4/3
MAX_FIELD = 4096

Value = str | int | Sequence[Mapping[str, "Value"]]


class MalformedXml(ValueError):
    """Not a WeChat message: not XML, a DTD or entity, too big, or not a flat <xml> root."""


def parse(body: bytes | str) -> dict[str, str]:
    """The root's child elements as {tag: text}; nested elements (e.g. ScanCodeInfo) are kept
    as their text only."""
    if len(body) > MAX_BYTES:
        raise MalformedXml(f"the body is over {MAX_BYTES} bytes")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MalformedXml(f"not acceptable XML: {type(exc).__name__}") from exc
    if root.tag != "xml":
        raise MalformedXml("the root element is not <xml>")
    fields = {child.tag: (child.text or "").strip() for child in root}
    if any(len(v) > MAX_FIELD for v in fields.values()):
        raise MalformedXml("a field is too long")
    return fields


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(tag: str, value: Value) -> str:
    if isinstance(value, int):
        inner = str(value)
    elif isinstance(value, str):
        inner = _cdata(value)
    else:
        inner = "".join(f"<item>{_elements(item)}</item>" for item in value)
    return f"<{tag}>{inner}</{tag}>"


def _elements(fields: Mapping[str, Value]) -> str:
    return "".join(_element(tag, value) for tag, value in fields.items())


def render(fields: Mapping[str, Value]) -> str:
    """<xml> with one element per field: text in CDATA, integers bare, lists as <item>s."""
    return f"<xml>{_elements(fields)}</xml>"
