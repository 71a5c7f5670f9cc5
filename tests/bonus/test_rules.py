"""The bonus split's arithmetic (§九(二)), without a database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kaohe.bonus import rules

D = Decimal
ORDER = ["好", "较好", "一般", "较差"]
TABLE = {"好": D("1.2"), "较好": D("1.0"), "一般": D("0.8"), "较差": D(0), "": D("1.0")}


def test_a_pool_is_shared_by_coefficient_and_the_fen_left_over_is_shown() -> None:
    # 1000 yuan over 1.2 + 1.0 + 1.0 = 3.2: 375, 312.5, 312.5
    assert rules.split(rules.POOL, D(1000), [D("1.2"), D(1), D(1)]) == (
        [D("375.00"), D("312.50"), D("312.50")], D("0.00"))
    # 100 yuan over three equal shares: 33.33 each, one fen left, given to nobody
    assert rules.split(rules.POOL, D(100), [D(1)] * 3) == ([D("33.33")] * 3, D("0.01"))


def test_a_base_amount_is_multiplied_by_each_coefficient() -> None:
    assert rules.split(rules.BASE, D("2000.00"), [D("1.2"), D("0.8"), D(0)]) == (
        [D("2400.00"), D("1600.00"), D("0.00")], D("0.00"))


def test_a_pool_nobody_has_a_share_of_stays_whole() -> None:
    assert rules.split(rules.POOL, D(500), [D(0), D(0)]) == ([D("0.00")] * 2, D(500))


@given(pool=st.decimals(D("0.01"), D("9999999999.99"), places=2),
       coefficients=st.lists(st.decimals(0, 5, places=2), min_size=1, max_size=300))
def test_the_shares_and_the_remainder_add_up_to_the_pool(pool: Decimal,
                                                         coefficients: list[Decimal]) -> None:
    shares, remainder = rules.split(rules.POOL, pool, coefficients)
    assert sum(shares) + remainder == pool
    assert all(share == share.quantize(rules.FEN) and share >= 0 for share in shares)
    # Rounding down loses less than a fen a person; a pool with no coefficient stays whole.
    assert 0 <= remainder < (D("0.01") * len(coefficients) if any(coefficients) else pool + 1)


def test_good_must_be_paid_above_fairly_good() -> None:
    assert rules.table_problem(TABLE, ORDER) == ""
    assert "§九(二)" in rules.table_problem({**TABLE, "好": D(1)}, ORDER)
    assert rules.table_problem({**TABLE, "较差": D("0.9")}, ORDER)  # worse paid above better
    assert rules.table_problem({**TABLE, "": D(6)}, ORDER)  # out of 0–5


def test_an_amount_is_positive_and_in_fen() -> None:
    assert rules.amount_problem(D("1234.56")) == ""
    assert rules.amount_problem(D(0)) and rules.amount_problem(D("1.234"))
