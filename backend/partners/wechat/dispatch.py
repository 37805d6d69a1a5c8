"""From a decrypted message to its reply: events bind and unbind followers, texts and menu
clicks are commands. The reply XML is what WeChat shows the follower."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.partners.wechat import commands, followers
from backend.partners.wechat.answers import News, Reply, Text, answer, welcome
from backend.partners.wechat.models import WechatAccount
from backend.partners.wechat.settings import Settings
from backend.partners.wechat.xmlcodec import render

QR_PREFIX = "qrscene_"


class InvalidMessage(ValueError):
    """A message without the fields every WeChat message has."""


@dataclass(frozen=True)
class Message:
    to_user: str  # the official account's original id (gh_…)
    from_user: str  # the follower's openid
    create_time: int
    type: str
    fields: dict[str, str]

    @classmethod
    def read(cls, fields: dict[str, str]) -> Message:
        for name in ("ToUserName", "FromUserName", "MsgType"):
            if not 0 < len(fields.get(name, "")) <= 64:
                raise InvalidMessage(f"{name} is missing or too long")
        created = fields.get("CreateTime", "")
        if not created.isdigit() or len(created) > 12:
            raise InvalidMessage("CreateTime is not a unix time")
        msg_type = fields["MsgType"]
        msg_id = fields.get("MsgId", "")
        if msg_type != "event" and not (msg_id.isdigit() and len(msg_id) <= 32):
            raise InvalidMessage("MsgId is missing")
        return cls(fields["ToUserName"], fields["FromUserName"], int(created), msg_type, fields)

    @property
    def key(self) -> str:
        """What a retry repeats: MsgId for messages, sender and time for events."""
        if self.type == "event":
            return f"e:{self.from_user}:{self.create_time}"
        return f"m:{self.fields['MsgId']}"


def _event(
    s: Session,
    settings: Settings,
    account: WechatAccount,
    msg: Message,
    now: datetime,
    known: followers.Linked | None,
) -> Reply | None:
    event, key = msg.fields.get("Event", ""), msg.fields.get("EventKey", "")
    if event in {"subscribe", "SCAN"}:
        # Following through a parameterised QR sends qrscene_<scene>; a follower scanning it
        # again sends SCAN with the bare scene.
        scene = (
            key.removeprefix(QR_PREFIX) if event == "SCAN" or key.startswith(QR_PREFIX) else None
        )
        followers.bind(s, account.id, msg.from_user, scene, now)
        organisation = s.get_one(Organisation, account.organisation_id)
        return welcome(account, organisation.name)
    if event == "unsubscribe":
        followers.unbind(s, account.id, msg.from_user, now)
        return None
    if event == "CLICK":
        return answer(s, settings, account, msg.from_user, commands.from_menu(key), known)
    return None


WRITING_EVENTS = frozenset({"subscribe", "SCAN", "unsubscribe"})


def writes(msg: Message) -> bool:
    """Whether acting on the message may write: following or unfollowing binds the follower,
    and a certificate looked up is read through `certificates.read` (which may record the
    check). Every other message only reads (积分, help, a meeting link)."""
    if msg.type == "event":
        event = msg.fields.get("Event", "")
        if event == "CLICK":
            command = commands.from_menu(msg.fields.get("EventKey", ""))
            return isinstance(command, commands.Certificate)
        return event in WRITING_EVENTS
    if msg.type != "text":
        return False
    return isinstance(commands.parse(msg.fields.get("Content", "")), commands.Certificate)


def handle(
    s: Session,
    settings: Settings,
    account: WechatAccount,
    msg: Message,
    now: datetime,
    known: followers.Linked | None = None,
) -> Reply | None:
    """Act on a message (in the caller's transaction); None means nothing to say. `known`: the
    follower read with the account (used only if it is the sender)."""
    if msg.type == "event":
        return _event(s, settings, account, msg, now, known)
    command = commands.parse(msg.fields.get("Content", "")) if msg.type == "text" else None
    return answer(s, settings, account, msg.from_user, command or commands.Help(), known)


def to_xml(reply: Reply, msg: Message, now: datetime) -> str:
    """The passive reply message, addressed back to the follower."""
    head: dict[str, str | int] = {
        "ToUserName": msg.from_user,
        "FromUserName": msg.to_user,
        "CreateTime": int(now.timestamp()),
    }
    match reply:
        case Text(content):
            return render({**head, "MsgType": "text", "Content": content})
        case News(title, description, picurl, url):
            item = {"Title": title, "Description": description, "PicUrl": picurl, "Url": url}
            return render({**head, "MsgType": "news", "ArticleCount": 1, "Articles": [item]})
