"""The bonus split of §九(二): "在单位内部工作实绩考核奖金差异化分配中，适当提高奖金标准" for 好.
Pure functions over plain values, as kaohe/annual/rules.py; each reason names its clause.

A quarter's bonus is either a pool shared in proportion to the grades' coefficients, or a base
amount each person receives times their coefficient. Amounts are Decimal yuan rounded to the
fen; a pool's shares are rounded down, so that they never add up to more than the pool, and the
fen left over is returned to be shown, never silently dropped or given to someone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

RULE = "§九(二)"
FEN = Decimal("0.01")
MAX_COEFFICIENT = Decimal(5)
MAX_AMOUNT = Decimal("9999999999.99")
# The key of "grade not determined" (§十(三)) and of a grade not decided yet, beside the four.
UNDETERMINED = ""
POOL, BASE = "pool", "base"


def table_problem(table: Mapping[str, Decimal], order: Sequence[str]) -> str:
    """Why the table may not be used, or "": every coefficient between 0 and 5, the grades'
    coefficients never rising from a better grade to a worse one, and 好's above 较好's, as
    §九(二) asks a higher standard for 好. `order` lists the four grades best first."""
    if any(not Decimal(0) <= value <= MAX_COEFFICIENT for value in table.values()):
        return _("各等次系数须在 0 到 5 之间（%(rule)s）。") % {"rule": RULE}
    ranked = [table[grade] for grade in order]
    if any(better < worse for better, worse in pairwise(ranked)):
        return _("较低等次的系数不能高于较高等次（%(rule)s）。") % {"rule": RULE}
    if ranked[0] <= ranked[1]:
        return _("“好”等次的系数须高于“较好”，体现适当提高奖金标准（%(rule)s）。") % {
            "rule": RULE}
    return ""


def amount_problem(amount: Decimal) -> str:
    if not Decimal(0) < amount <= MAX_AMOUNT or amount != amount.quantize(FEN):
        return _("金额须大于 0、以元为单位、最多两位小数。")
    return ""


def split(mode: str, amount: Decimal, coefficients: Sequence[Decimal],
          ) -> tuple[list[Decimal], Decimal]:
    """Each person's amount, and the remainder of the pool that rounding left (0 by base).
    A pool nobody has a share of (every coefficient 0) stays whole as the remainder."""
    if mode == BASE:
        return [(amount * c).quantize(FEN, ROUND_HALF_UP) for c in coefficients], Decimal("0.00")
    total = sum(coefficients, Decimal(0))
    if not total:
        return [Decimal("0.00") for _c in coefficients], amount
    shares = [(amount * c / total).quantize(FEN, ROUND_DOWN) for c in coefficients]
    return shares, amount - sum(shares, Decimal(0))
