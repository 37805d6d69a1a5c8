"""What a follower asks for: text commands (`中和 会议 50人 1天`, `积分`,
`证书 DD-2026-000123 K7QX2M`) and the menu's CLICK EventKeys, read into one small command type
each."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from backend.footprint.schemas import MAX_DAYS, MAX_PEOPLE


@dataclass(frozen=True)
class NeutraliseMeeting:
    attendees: int | None = None
    days: int | None = None


@dataclass(frozen=True)
class Wallet:
    pass


@dataclass(frozen=True)
class Certificate:
    number: str
    code: str | None = None  # the check code printed beside the number


@dataclass(frozen=True)
class Help:
    problem: str | None = None  # why the command was not understood, when it nearly was


Command = NeutraliseMeeting | Wallet | Certificate | Help

# EventKeys of the menu buttons a company configures (type "click").
MENU: dict[str, Command] = {
    "NEUTRALISE_MEETING": NeutraliseMeeting(),
    "WALLET": Wallet(),
    "HELP": Help(),
}

_NEUTRALISE = re.compile(r"^(?:中和|neutralise|neutralize)\s*(?:会议|meeting)?(?P<rest>.*)$", re.I)
_ATTENDEES = re.compile(r"(\d+)\s*(?:人|位|名|people|persons?|attendees?)", re.I)
_DAYS = re.compile(r"(\d+)\s*(?:天|日|days?)", re.I)
_WALLET = re.compile(r"^(?:积分|碳积分|wallet|points)$", re.I)
_CERTIFICATE = re.compile(
    r"^(?:证书|certificate)\s*(?P<number>[A-Za-z0-9-]{1,20})?(?:\s+(?P<code>[A-Za-z0-9]{1,12}))?$",
    re.I,
)


def _count(pattern: re.Pattern[str], text: str, maximum: int, zh: str, en: str) -> int | None:
    found = pattern.search(text)
    if found is None:
        return None
    value = int(found.group(1))
    if not 1 <= value <= maximum:
        raise ValueError(f"{zh}应在 1 到 {maximum} 之间 ({en}: 1 to {maximum})")
    return value


def parse(text: str) -> Command:
    """The command a text message asks for; Help for anything else. NFKC folds full-width
    spaces and digits (`５０　人`) into their ASCII forms first."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if _WALLET.match(text):
        return Wallet()
    if cert := _CERTIFICATE.match(text):
        number, code = cert.group("number"), cert.group("code")
        if not number:
            return Help("请附上证书编号")
        return Certificate(number.upper(), code.upper() if code else None)
    if meeting := _NEUTRALISE.match(text):
        rest = meeting.group("rest")
        if _DAYS.sub("", _ATTENDEES.sub("", rest)).strip():
            return Help("目前可以中和会议 (meetings only, so far)")
        try:
            attendees = _count(_ATTENDEES, rest, MAX_PEOPLE, "人数", "attendees")
            days = _count(_DAYS, rest, MAX_DAYS, "天数", "days")
        except ValueError as exc:
            return Help(str(exc))
        return NeutraliseMeeting(attendees, days)
    return Help()


def from_menu(event_key: str) -> Command:
    """The command of a CLICK menu button; Help for keys we do not know."""
    return MENU.get(event_key, Help())
