"""What each command answers: a text or a news (article) reply, Chinese first."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.principal import Principal
from backend.certificates import access, issuing
from backend.certificates import services as certificates
from backend.certificates.view import CertificateStatus, mass_label
from backend.core.errors import NotFound
from backend.partners.wechat import commands, followers, linking
from backend.partners.wechat.commands import Command
from backend.partners.wechat.models import WechatAccount
from backend.partners.wechat.settings import Settings

MEETING_PATH = "/neutralise/meeting"
PNG_WIDTH = 600  # the smallest certificate PNG: plenty for a news thumbnail

HELP = (
    "可以发送：\n"
    "· 中和 会议 50人 1天 — 计算并中和一场会议的碳排放\n"
    "· 积分 — 查看我的碳积分\n"
    "· 证书 DD-2026-000123 K7QX2M — 查看一张碳中和证书（编号和校验码）\n"
    "Send: 中和 会议 50人 1天 (neutralise a meeting), 积分 (my points), "
    "证书 <number> <check code> (a certificate)."
)


@dataclass(frozen=True)
class Text:
    content: str


@dataclass(frozen=True)
class News:
    title: str
    description: str
    picurl: str
    url: str


Reply = Text | News


def _link(url: str, label: str) -> str:
    return f'<a href="{url}">{label}</a>'


def meeting_url(settings: Settings, command: commands.NeutraliseMeeting) -> str:
    """The PWA's meeting calculator, pre-filled with the meeting calculator's own fields."""
    query = {
        name: value
        for name, value in (("attendees", command.attendees), ("days", command.days))
        if value is not None
    }
    return settings.url(MEETING_PATH) + "?" + urlencode({**query, "via": "wechat"})


def _neutralise(settings: Settings, command: commands.NeutraliseMeeting) -> Text:
    url = meeting_url(settings, command)
    if command.attendees is None:
        return Text(
            f"{_link(url, '打开会议碳中和计算器')}，"
            "或发送“中和 会议 50人 1天”直接带入人数和天数。\n"
            "Open the meeting calculator."
        )
    days = f"{command.days}天" if command.days else ""
    return Text(
        f"{command.attendees}人{days}的会议：{_link(url, '查看碳足迹并中和')}\n"
        f"A meeting of {command.attendees}: see its footprint and neutralise it."
    )


def _wallet(
    s: Session,
    settings: Settings,
    account: WechatAccount,
    openid: str,
    known: followers.Linked | None,
) -> Text:
    """The follower's points; `known`: the follower read with the account already."""
    linked = known if known and known.openid == openid else None
    linked = linked or followers.linked_balances(s, account.id, openid)
    b = linked.balances
    if linked.user_id is None:
        url = linking.url(settings.base_url, linking.token(settings.secret_key, account.id, openid))
        return Text(
            f"请先{_link(url, '绑定点点账号')}（链接15分钟内有效），然后再发送“积分”。\n"
            "Link your Diandian account first (the link works for 15 minutes)."
        )
    return Text(
        f"我的碳积分：可用 {b.wallet} 分，待确认 {b.pending} 分。\n"
        f"My points: {b.wallet} available, {b.pending} pending."
    )


def _certificate(
    s: Session,
    settings: Settings,
    account: WechatAccount,
    openid: str,
    command: commands.Certificate,
) -> Reply:
    """A certificate by its number and check code (its owner, linked, needs no code), as
    `GET /certificates/{number}` shows it to the same reader."""
    user_id = followers.linked_user(s, account.id, openid)
    user = s.get(User, user_id) if user_id is not None else None
    try:
        cert, full = certificates.read(s, Principal(user=user), command.number, command.code)
    except NotFound:
        return Text(
            f"没有找到证书 {command.number}，请检查编号和校验码。\n"
            f"No certificate {command.number} with this check code."
        )
    revoked = "（已撤销 revoked）" if cert.status == CertificateStatus.revoked else ""
    name = access.beneficiary(cert, full)
    code = issuing.check_code(cert)
    return News(
        title=f"碳中和证书 {cert.number}{revoked}",
        description=(
            f"受益人：{name}\n中和量：{mass_label(cert.mass_g)} CO₂e\n"
            f"Beneficiary {name}, {mass_label(cert.mass_g)} CO₂e neutralised."
        ),
        picurl=settings.url(f"/api/v1/certificates/{cert.number}.png?k={code}&size={PNG_WIDTH}"),
        url=issuing.verify_url(settings.issuer, cert),
    )


def answer(
    s: Session,
    settings: Settings,
    account: WechatAccount,
    openid: str,
    command: Command,
    known: followers.Linked | None = None,
) -> Reply:
    """The reply to a follower's command; `known`: the follower, if it was read already."""
    match command:
        case commands.NeutraliseMeeting():
            return _neutralise(settings, command)
        case commands.Wallet():
            return _wallet(s, settings, account, openid, known)
        case commands.Certificate():
            return _certificate(s, settings, account, openid, command)
        case commands.Help(problem):
            return Text(f"{problem}\n\n{HELP}" if problem else HELP)


def welcome(account: WechatAccount, organisation: str) -> Text:
    """The reply to a new follower."""
    return Text(f"欢迎关注{account.name}！已关联到 {organisation}。\n\n{HELP}")
