"""Moving points: one conditional UPDATE per account and an appended transfer, in the caller's
transaction. The account that gives is updated only if it holds the amount (the CHECK backs it),
so concurrent spends queue on its row lock and can never overdraw it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Integer,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.clock import utcnow
from backend.core.db import among, unnest, upsert
from backend.core.errors import Conflict
from backend.core.messages import Coded
from backend.points.models import (
    SYSTEM,
    AccountKind,
    Funding,
    PointAccount,
    PointTransfer,
    Pool,
    TransferKind,
)

ACCOUNTS = cast(Table, PointAccount.__table__)
TRANSFERS = cast(Table, PointTransfer.__table__)
POOL = cast(Table, Pool.__table__)
FUNDINGS = cast(Table, Funding.__table__)
FLOWS: dict[TransferKind, tuple[AccountKind, AccountKind]] = {
    TransferKind.earn: (AccountKind.issued, AccountKind.pending),
    TransferKind.confirm: (AccountKind.pending, AccountKind.wallet),
    TransferKind.reverse: (AccountKind.pending, AccountKind.issued),
    TransferKind.redeem: (AccountKind.wallet, AccountKind.redeemed),
    TransferKind.expire: (AccountKind.wallet, AccountKind.expired),
}


class InsufficientPoints(Conflict):
    slug, title = "insufficient-points", "Not enough points"


class BudgetExhausted(Conflict):
    slug, title = "budget-exhausted", "The sponsors' budget is spent"


def pool_left(s: Session) -> int:
    """Points funded and not yet earned, the pool's row locked until the transaction ends.

    Every points transaction locks the people's accounts first (in user id order) and the
    pool last, so they never deadlock."""
    return int(
        s.execute(select(POOL.c.balance).where(POOL.c.id == 1).with_for_update()).scalar_one()
    )


POOL_CHECK = "ck_point_pool_balance_not_negative"


def pool_balance(s: Session) -> int:
    """The pool as last committed (no lock), for statistics."""
    return int(s.scalar(select(POOL.c.balance).where(POOL.c.id == 1)) or 0)


ACCOUNT_WORDS = {kind: f"points.account.{kind.value}" for kind in AccountKind if kind not in SYSTEM}


def account_id(s: Session, kind: AccountKind, user_id: int | None = None) -> int:
    """The account's id, opening it (balance 0) on first use."""
    owner = None if kind in SYSTEM else user_id
    where = (ACCOUNTS.c.kind == kind) & (
        ACCOUNTS.c.user_id.is_(None) if owner is None else ACCOUNTS.c.user_id == owner
    )
    found = s.execute(select(ACCOUNTS.c.id).where(where)).scalar()
    if found is not None:
        return int(found)
    s.execute(
        upsert(s, ACCOUNTS).values(user_id=owner, kind=kind, balance=0).on_conflict_do_nothing()
    )
    return int(s.execute(select(ACCOUNTS.c.id).where(where)).scalar_one())


def transfer(
    s: Session, kind: TransferKind, user_id: int, amount: int, reference: str = "", memo: str = ""
) -> None:
    """Move `amount` along the flow of `kind` for a person; 409 if the giver lacks it.

    Only a person's accounts keep a stored balance. The system accounts (issued, redeemed,
    expired) are derived from their transfers, so no global row is locked by every batch: a
    transaction locks person accounts (with several people, in user id order), and earning or
    reversing then the sponsors' pool (`pool_left`, and its trigger), last.
    """
    if amount <= 0:
        raise ValueError("a transfer moves a positive amount")
    source, target = FLOWS[kind]
    debit, credit = account_id(s, source, user_id), account_id(s, target, user_id)
    for acc, kind_of, sign in sorted(((debit, source, -1), (credit, target, 1))):
        if kind_of in SYSTEM:
            continue
        q = update(ACCOUNTS).where(ACCOUNTS.c.id == acc)
        if sign < 0:
            q = q.where(ACCOUNTS.c.balance >= amount)
        if (
            s.execute(
                q.values(balance=ACCOUNTS.c.balance + sign * amount).returning(ACCOUNTS.c.id)
            ).first()
            is None
        ):
            raise InsufficientPoints(
                "points.insufficient",
                params={"amount": amount, "account": Coded(ACCOUNT_WORDS[source])},
                account=source.value,
            )
    if kind == TransferKind.earn and pool_left(s) < amount:  # the CHECK would refuse it too
        raise BudgetExhausted("points.budget_exhausted", params={"amount": amount})
    s.execute(
        insert(TRANSFERS).values(
            kind=kind,
            debit_account_id=debit,
            credit_account_id=credit,
            amount=amount,
            reference=reference,
            memo=memo,
            created_at=utcnow(),
        )
    )


def open_accounts(s: Session, kind: AccountKind, users: list[int]) -> dict[int, int]:
    """Each person's account of `kind` (user id -> account id), opening the missing ones."""
    if not users:
        return {}
    q = select(ACCOUNTS.c.user_id, ACCOUNTS.c.id).where(
        ACCOUNTS.c.kind == kind, among(s, ACCOUNTS.c.user_id, users)
    )
    found = dict(s.execute(q).all())
    missing = [u for u in users if u not in found]
    if missing:
        s.execute(
            upsert(s, ACCOUNTS).on_conflict_do_nothing(),
            [{"user_id": u, "kind": kind, "balance": 0} for u in missing],
        )
        found = dict(s.execute(q).all())
    return found


def lock(s: Session, accounts: dict[int, int]) -> None:
    """Lock these person accounts in user id order, the order every points transaction uses."""
    s.execute(
        select(ACCOUNTS.c.id)
        .where(among(s, ACCOUNTS.c.id, accounts.values()))
        .order_by(ACCOUNTS.c.user_id)
        .with_for_update()
    ).all()


CREDIT = (
    update(ACCOUNTS)
    .where(ACCOUNTS.c.id == bindparam("account"))
    .values(balance=ACCOUNTS.c.balance + bindparam("amount"))
)


def earn_many(s: Session, pending: dict[int, int], points: dict[int, int], reference: str) -> None:
    """Issue points into many people's pending accounts (already locked): two statements, one
    for the balances and one for the transfers (on PostgreSQL each a single statement over
    arrays, so the pool's statement-level trigger runs once; on SQLite executemany).

    The transfers come last: their INSERT's trigger takes the points out of the pool, locking
    it until the commit, and the pool's CHECK refuses a batch that would overdraw it
    (`pool_refused`).
    """
    if not points:
        return
    issued, now = account_id(s, AccountKind.issued), utcnow()
    pairs = [(pending[user], amount) for user, amount in sorted(points.items())]
    if s.get_bind().dialect.name != "postgresql":
        s.execute(CREDIT, [{"account": a, "amount": n} for a, n in pairs])
        s.execute(
            insert(TRANSFERS),
            [
                {
                    "kind": TransferKind.earn,
                    "debit_account_id": issued,
                    "credit_account_id": account,
                    "amount": amount,
                    "reference": reference,
                    "memo": "",
                    "created_at": now,
                }
                for account, amount in pairs
            ],
        )
        return
    rows = unnest(
        {
            "account": (Integer(), [a for a, _ in pairs]),
            "amount": (BigInteger(), [n for _, n in pairs]),
        }
    )
    s.execute(
        update(ACCOUNTS)
        .where(ACCOUNTS.c.id == rows.c.account)
        .values(balance=ACCOUNTS.c.balance + rows.c.amount)
    )
    s.execute(earn_transfers(issued, rows.c.account, rows.c.amount, reference, now))


def earn_transfers(issued: int, accounts: Any, amounts: Any, reference: str, now: Any) -> Any:
    """One INSERT … SELECT of earn transfers from the `issued` account to each of `accounts`
    (a column of pending account ids) of its `amounts` (a column beside it), so the pool's
    statement-level trigger runs once for them all."""
    columns = ["kind", "debit_account_id", "credit_account_id", "amount", "reference", "memo"]
    return insert(TRANSFERS).from_select(
        [*columns, "created_at"],
        select(
            literal(TransferKind.earn, TRANSFERS.c.kind.type),
            literal(issued, TRANSFERS.c.debit_account_id.type),
            accounts,
            amounts,
            literal(reference, TRANSFERS.c.reference.type),
            literal("", TRANSFERS.c.memo.type),
            literal(now, TRANSFERS.c.created_at.type),
        ),
    )


def pool_refused(exc: IntegrityError) -> bool:
    """Whether the pool's CHECK refused a statement: earning more than it held."""
    return POOL_CHECK in str(exc.orig)


@dataclass(frozen=True)
class Balances:
    wallet: int
    pending: int


def balances(s: Session, user_id: int) -> Balances:
    rows = dict(
        s.execute(
            select(ACCOUNTS.c.kind, ACCOUNTS.c.balance).where(ACCOUNTS.c.user_id == user_id)
        ).all()
    )
    return Balances(int(rows.get("wallet", 0)), int(rows.get("pending", 0)))


def violations(s: Session) -> list[str]:
    """Every person's stored balance equals its transfers and none is negative; the system sinks
    (redeemed, expired) never went negative. (The system balances are derived, so the ledger
    sums to zero by construction: every transfer has two equal legs.)"""
    found = []
    moved_in = (
        select(TRANSFERS.c.credit_account_id.label("acc"), func.sum(TRANSFERS.c.amount).label("g"))
        .group_by(TRANSFERS.c.credit_account_id)
        .subquery()
    )
    moved_out = (
        select(TRANSFERS.c.debit_account_id.label("acc"), func.sum(TRANSFERS.c.amount).label("g"))
        .group_by(TRANSFERS.c.debit_account_id)
        .subquery()
    )
    rows = s.execute(
        select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.kind,
            ACCOUNTS.c.balance,
            func.coalesce(moved_in.c.g, 0) - func.coalesce(moved_out.c.g, 0),
        )
        .outerjoin(moved_in, moved_in.c.acc == ACCOUNTS.c.id)
        .outerjoin(moved_out, moved_out.c.acc == ACCOUNTS.c.id)
    ).all()
    found += _pool_violations(s, rows)
    for acc, kind, balance, from_ledger in rows:
        if kind in SYSTEM:
            if kind != AccountKind.issued and from_ledger < 0:
                found.append(f"point account {acc} ({kind}) went negative: {from_ledger}")
            continue
        if balance != from_ledger:
            found.append(f"point account {acc} ({kind}): balance {balance}, ledger {from_ledger}")
        if balance < 0:
            found.append(f"point account {acc} ({kind}) is negative: {balance}")
    return found


def _pool_violations(s: Session, rows: Any) -> list[str]:
    """What sponsors funded is exactly the pool plus every point issued from it (earned less
    reversed, the `issued` account's derived balance negated), and the pool is not negative."""
    issued = sum(-int(g) for _, kind, _, g in rows if kind == AccountKind.issued)
    funded = int(s.scalar(select(func.coalesce(func.sum(FUNDINGS.c.points), 0))) or 0)
    pool = s.scalar(select(POOL.c.balance).where(POOL.c.id == 1))
    if pool is None:
        return ["the point pool's row is missing"]
    found = []
    if funded != pool + issued:
        found.append(f"funded {funded} != pool {pool} + issued {issued}")
    if pool < 0:
        found.append(f"the point pool is negative: {pool}")
    return found
