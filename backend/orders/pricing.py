"""Prices in integer fen. Every rounding is in the customer's favour: line amounts and the fee
round down, and a spend cap buys the most mass whose total does not exceed it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from backend.credits.models import GRAMS_PER_TONNE

BPS = 10_000


class Priced(Protocol):
    @property
    def available_g(self) -> int: ...
    @property
    def price_fen_per_t(self) -> int: ...


@dataclass(frozen=True)
class Price:
    credits: int
    fee: int

    @property
    def total(self) -> int:
        return self.credits + self.fee


def line_amount(mass_g: int, price_fen_per_t: int) -> int:
    """What `mass_g` of a lot costs, rounded down to the fen."""
    return mass_g * price_fen_per_t // GRAMS_PER_TONNE


def price(credits: int, fee_bps: int) -> Price:
    """The fee is `fee_bps` basis points of the credits, rounded down."""
    return Price(credits, credits * fee_bps // BPS)


def credits_budget(amount: int, fee_bps: int) -> int:
    """The most credits spend with `price(credits).total <= amount`."""
    credits = amount * BPS // (BPS + fee_bps)
    while price(credits + 1, fee_bps).total <= amount:
        credits += 1
    return credits


def affordable_mass(lots: Iterable[Priced], budget: int) -> int:
    """The most grams the budget buys over lots in policy order (cheapest first), taking each
    lot's grams while its rounded-down line amount stays within what is left."""
    mass = spent = 0
    for lot in lots:
        left = budget - spent
        price_t = lot.price_fen_per_t
        # the largest m with m * price_t // T <= left
        take = lot.available_g if price_t == 0 else ((left + 1) * GRAMS_PER_TONNE - 1) // price_t
        take = min(take, lot.available_g)
        mass += take
        spent += line_amount(take, price_t)
        if take < lot.available_g:
            break
    return mass
