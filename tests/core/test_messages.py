"""Every problem the API reports is known by a code, with words in zh and en.

The catalogue is read from every package's `messages.toml`; a static scan of `backend/` finds
each place that raises a problem or a field error and checks that it gives a known code rather
than English words, so a new message cannot ship without its Chinese.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from marshmallow import fields, validate

import backend
from backend.core import messages
from backend.core.errors import CODE, DomainError
from backend.core.field_messages import TEMPLATES, coded
from tests import factories as f

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
ROOT = Path(backend.__file__).parent


def _all_modules() -> None:
    for info in pkgutil.walk_packages([str(ROOT)], "backend."):
        if ".migrations." not in info.name:
            importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    out: set[type] = set(cls.__subclasses__())
    for sub in list(out):
        out |= _subclasses(sub)
    return out


def _error_classes() -> set[type[DomainError]]:
    _all_modules()
    return {DomainError, *_subclasses(DomainError)}


def test_every_code_has_words_in_both_languages_with_the_same_parameters():
    zh, en = messages.catalogue()["zh"], messages.catalogue()["en"]
    assert zh.keys() == en.keys()
    for code in zh:
        assert CODE.match(code), code
        assert messages.placeholders(zh[code]) == messages.placeholders(en[code]), code


def test_chinese_words_are_chinese_and_english_words_english():
    zh, en = messages.catalogue()["zh"], messages.catalogue()["en"]
    for code, words in zh.items():
        assert CJK.search(words), f"{code}: no Chinese in {words!r}"
    for code, words in en.items():
        assert not CJK.search(words), f"{code}: Chinese in the English {words!r}"


def test_each_package_keeps_to_its_own_codes():
    shared = ("problem.", "field.", "http.", "status.")
    for path in ROOT.rglob("messages.toml"):
        package = path.parent.relative_to(ROOT).parts[0]
        import tomllib

        for code in tomllib.loads(path.read_text(encoding="utf-8"))["zh"]:
            assert code.startswith((f"{package}.", *shared)), f"{path}: {code}"


def test_every_error_class_has_a_title_in_both_languages():
    for cls in _error_classes():
        assert messages.known(f"problem.{cls.slug}"), f"{cls.__name__}: problem.{cls.slug}"


def _marshmallow_messages() -> set[str]:
    found: set[str] = set()
    for cls in vars(fields).values():
        if inspect.isclass(cls) and issubclass(cls, fields.Field) and "IP" not in cls.__name__:
            for klass in cls.__mro__:
                found |= set(getattr(klass, "default_error_messages", {}).values())
    for name in ("URL", "Email", "OneOf", "Equal", "Regexp", "NoneOf", "Predicate"):
        found.add(getattr(validate, name).default_message)
    found |= {"Invalid input type.", "Unknown field.", "Invalid JSON body."}
    return {m for m in found if "{" not in m}


def test_every_plain_marshmallow_message_has_a_code():
    for message in _marshmallow_messages():
        assert coded(message) is not None, message


@pytest.mark.parametrize(
    ("message", "code", "params"),
    [
        ("Must be greater than or equal to 1.", "field.range_min_gte", {"min": "1"}),
        ("Must be greater than 0 and less than or equal to 10.", "field.range_gt_lte", {}),
        ("Length must be between 1 and 64.", "field.length_between", {"min": "1", "max": "64"}),
        ("Not a valid date.", "field.date", {}),
        ("Not a valid datetime.", "field.temporal", {"obj_type": "datetime"}),
        ("Must be one of: a, b.", "field.one_of", {"choices": "a, b"}),
    ],
)
def test_templated_messages_give_their_code_and_parameters(message, code, params):
    found = coded(message)
    assert found is not None
    assert found[0] == code
    assert params.items() <= found[1].items()


def test_every_template_has_words():
    for code in TEMPLATES:
        assert messages.known(code), code


# -- the static scan --------------------------------------------------------------------------


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_code(text: str) -> bool:
    return bool(CODE.match(text)) and messages.known(text)


def _is_super_init(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and getattr(func.value.func, "id", "") == "super"
    )


def _first_message(node: ast.Call, error_names: set[str]) -> str | None:
    """What is wrong with the message a problem, field error or `super().__init__` is given."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    args = node.args[1:] if name in ("ValidationFailed", "field_error") else node.args
    first = args[0] if args else None
    strict = name in error_names or name in ("ValidationFailed", "field_error", "Coded")
    if not (strict or _is_super_init(func)) or first is None:
        return None
    if isinstance(first, ast.JoinedStr):
        return "an f-string where a code belongs"
    text = _literal(first)
    if text is None or _is_code(text) or not (strict or " " in text):
        return None
    return f"{text!r} is not a known code"


def _words_given(node: ast.Call) -> list[str]:
    """Marshmallow errors given as words rather than `Coded(code)`."""
    words = (ast.Constant, ast.JoinedStr)
    out = []
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    if name == "ValidationError" and node.args and isinstance(node.args[0], words):
        out.append("ValidationError with words; raise Coded(code)")
    for kw in node.keywords:
        value = kw.value
        if kw.arg == "error" and isinstance(value, words):
            out.append("error= with words; give Coded(code)")
        messages_ = value.values if isinstance(value, ast.Dict) else []
        if kw.arg == "error_messages" and any(isinstance(v, words) for v in messages_):
            out.append("error_messages with words; give Coded(code)")
    return out


def _problems_in(path: Path, error_names: set[str]) -> list[str]:
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            found = [_first_message(node, error_names), *_words_given(node)]
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            out += [f"{where}: {what}" for what in found if what]
    return out


def test_every_problem_raised_in_the_code_is_known_by_a_code():
    names = {cls.__name__ for cls in _error_classes()}
    found: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            found += _problems_in(path, names)
    assert found == []


# -- the language of a response ---------------------------------------------------------------


def test_problems_are_in_chinese_by_default_and_in_english_when_asked(client):
    body = {"phone": f.new_phone(), "admin": True}
    zh = client.post("/api/v1/auth/codes", json=body, headers={"Accept-Language": "zh-CN"})
    en = client.post("/api/v1/auth/codes", json=body, headers={"Accept-Language": "en"})
    (zh_error,), (en_error,) = zh.get_json()["errors"], en.get_json()["errors"]
    assert zh_error["code"] == en_error["code"] == "field.unknown"
    assert zh_error["detail"] == "不认识的字段。"
    assert en_error["detail"] == "Unknown field."
    assert CJK.search(zh.get_json()["title"])
    assert zh.headers["Content-Language"] == "zh-CN"
    bare = client.post("/api/v1/auth/codes", json=body, headers={"Accept-Language": ""})
    assert CJK.search(bare.get_json()["detail"])


def test_a_range_error_names_its_bound_in_chinese(client):
    resp = client.get("/api/v1/ledger?limit=0", headers={"Accept-Language": "zh-CN"})
    (error,) = resp.get_json()["errors"]
    assert error["code"].startswith("field.range_")
    assert error["params"]["min"] == "1"
    assert CJK.search(error["detail"])
    assert "1" in error["detail"]
    assert not LATIN_WORD.search(error["detail"])
