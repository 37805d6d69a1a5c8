"""Pricing properties: roundings favour the customer, and a spend cap is never exceeded."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from backend.orders import pricing

T = 1_000_000


@dataclass(frozen=True)
class FakeLot:
    available_g: int
    price_fen_per_t: int


lots = st.lists(
    st.builds(FakeLot, st.integers(1, 50 * T), st.integers(0, 20_000)), min_size=1, max_size=6
).map(lambda xs: sorted(xs, key=lambda x: x.price_fen_per_t))


def cost(lots_: list[FakeLot], mass: int) -> int:
    """What `mass` costs when taken greedily in order, as reservations take it."""
    total = 0
    for lot in lots_:
        take = min(mass, lot.available_g)
        total += pricing.line_amount(take, lot.price_fen_per_t)
        mass -= take
    return total


@given(lots, st.integers(0, 10**9))
def test_a_spend_cap_buys_the_most_mass_within_it(lots_, budget):
    mass = pricing.affordable_mass(lots_, budget)
    assert cost(lots_, mass) <= budget
    if mass < sum(lot.available_g for lot in lots_):
        assert cost(lots_, mass + 1) > budget


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_the_credits_budget_is_the_largest_whose_total_fits(amount, bps):
    credits = pricing.credits_budget(amount, bps)
    assert pricing.price(credits, bps).total <= amount
    assert pricing.price(credits + 1, bps).total > amount


@given(st.integers(0, 10**15), st.integers(0, 10**7))
def test_line_amounts_round_down(mass, price):
    fen = pricing.line_amount(mass, price)
    assert fen * T <= mass * price < (fen + 1) * T
