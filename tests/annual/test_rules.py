"""Each annual rule and each of its settings, on plain data (§九(三)–(四), §十(一), §十(三)):
eligibility for 优秀, priority, the ratio with ties at the line, the 一般/较差 majority, 较差
every quarter, refusal, a person with only two graded quarters, a year that started in Q2,
leave all year."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kaohe.annual import rules
from kaohe.annual.models import AnnualGrade, AnnualYear
from kaohe.annual.rules import Quarter
from kaohe.plans.models import Rounding

G, FG, AV, PO = "好", "较好", "一般", "较差"


def year(**settings: object) -> AnnualYear:
    return AnnualYear(year=2025, **settings)


def quarters(*grades: str | None, first: int = 1) -> list[Quarter]:
    """None: taking part with the grade not determined (§十(三))."""
    return [Quarter(quarter=first + i, grade=g or "", determined=g is not None)
            for i, g in enumerate(grades)]


def ev(*grades: str | None, first: int = 1, refused: bool = False, **settings: object
       ) -> rules.Recommendation:
    return rules.evaluate("P1", quarters(*grades, first=first), year(**settings),
                          refused=refused)


# --- one person's own quarters ----------------------------------------------------------------

def test_good_every_quarter_is_eligible_with_priority() -> None:
    rec = ev(G, G, G, G)
    assert (rec.eligible, rec.priority, rec.grade) == (True, True, AnnualGrade.COMPETENT)
    assert rec.line() == "好4次，较好0次，一般0次，较差0次"


def test_half_good_no_lower_is_eligible_without_priority() -> None:
    rec = ev(G, G, FG, FG)
    assert (rec.eligible, rec.priority) == (True, False)


def test_too_few_good_is_not_eligible() -> None:
    rec = ev(G, FG, FG, FG)
    assert not rec.eligible
    assert rec.grade == AnnualGrade.COMPETENT
    assert "不能评为优秀" in rec.rules[-1]


def test_one_average_blocks_excellent_however_many_good() -> None:
    rec = ev(G, G, G, AV)
    assert not rec.eligible and rec.grade == AnnualGrade.COMPETENT
    assert "有“一般”或“较差”" in rec.rules[-1]


def test_good_share_setting() -> None:
    assert not ev(G, G, FG, FG, excellent_good_share=Decimal("0.75")).eligible
    assert ev(G, G, G, FG, excellent_good_share=Decimal("0.75")).eligible
    assert ev(G, FG, FG, FG, excellent_good_share=Decimal("0.25")).eligible


def test_min_good_setting() -> None:
    """Two graded quarters, one 好: eligible by the share, not with a minimum of two 好."""
    assert ev(G, FG).eligible
    assert not ev(G, FG, excellent_min_good=2).eligible


def test_lower_majority_is_basic_in_principle() -> None:
    rec = ev(AV, PO, AV, FG)
    assert rec.grade == AnnualGrade.BASIC and rec.lower
    assert "原则上基本称职或不称职" in rec.rules[-1]


def test_exactly_half_lower_is_not_a_majority() -> None:
    assert ev(AV, AV, FG, FG).grade == AnnualGrade.COMPETENT


def test_lower_share_setting() -> None:
    assert ev(AV, FG, FG, FG, lower_share=Decimal("0.2")).grade == AnnualGrade.BASIC
    assert ev(AV, AV, AV, FG, lower_share=Decimal("0.75")).grade == AnnualGrade.COMPETENT


def test_poor_every_quarter_may_be_incompetent_directly() -> None:
    rec = ev(PO, PO, PO, PO)
    assert rec.grade == AnnualGrade.INCOMPETENT and rec.all_poor
    assert "不称职" in rec.rules[-1]


def test_poor_every_quarter_setting_off_falls_back_to_basic() -> None:
    assert ev(PO, PO, PO, PO, all_poor_incompetent=False).grade == AnnualGrade.BASIC


def test_poor_three_quarters_and_one_undetermined_is_not_every_quarter() -> None:
    assert ev(PO, PO, PO, None).grade == AnnualGrade.BASIC


def test_refusing_to_take_part_is_incompetent_whatever_the_grades() -> None:
    rec = ev(G, G, G, G, refused=True)
    assert rec.grade == AnnualGrade.INCOMPETENT and not rec.eligible
    assert "§十(一)" in rec.rules[-1]


def test_leave_all_year_is_undetermined() -> None:
    rec = ev(None, None, None, None)
    assert rec.grade == AnnualGrade.UNDETERMINED and rec.undetermined == 4
    assert not rec.eligible


def test_only_two_graded_quarters() -> None:
    """Joined in Q3 (or on leave in Q1–Q2): the shares count only the quarters there are."""
    rec = rules.evaluate("P1", quarters(G, G, first=3), year())
    assert (rec.eligible, rec.priority, rec.taking_part) == (True, True, 2)
    assert ev(None, None, G, FG).eligible  # two graded of four taking part
    assert not ev(None, None, G, FG).priority  # not 好 in every quarter taken part


def test_year_started_in_q2() -> None:
    """Three quarters: 一般 twice is more than half of three."""
    assert rules.evaluate("P1", quarters(AV, AV, FG, first=2), year()).grade == AnnualGrade.BASIC
    assert rules.evaluate("P1", quarters(G, G, G, first=2), year()).priority


def test_pending_quarter_is_reported() -> None:
    rec = rules.evaluate("P1", [Quarter(1, G), Quarter(2, "", decided=False)], year())
    assert rec.pending == 1 and "尚未审定" in rec.rules[0]


# --- the ratio and the ranking ----------------------------------------------------------------

def people(*specs: tuple[str, list[str], str]) -> list[rules.Recommendation]:
    """(key, grades, average score) each."""
    return [rules.evaluate(key, [Quarter(i + 1, g, score=Decimal(score))
                                 for i, g in enumerate(grades)], year())
            for key, grades, score in specs]


def field(n: int, settings: AnnualYear | None = None) -> list[rules.Recommendation]:
    """n people graded 较好 all year: taking part, never candidates."""
    return [rules.evaluate(f"F{i:02d}", quarters(FG, FG, FG, FG), settings or year())
            for i in range(n)]


def test_ratio_default_twenty_percent_rounded_down() -> None:
    assert year().excellent_limit(21) == 4
    assert year().excellent_limit(4) == 0
    assert year(excellent_rounding=Rounding.NEAREST).excellent_limit(23) == 5
    assert year(excellent_ratio=Decimal("0.25")).excellent_limit(21) == 5


def test_priority_first_then_more_good_then_score() -> None:
    recs = people(("A", [G, G, FG, FG], "95"), ("B", [G, G, G, G], "91"),
                  ("C", [G, G, G, FG], "90"), ("D", [G, G, FG, FG], "97")) + field(6)
    limit = rules.rank(recs, year())
    assert limit == 2
    order = sorted((r for r in recs if r.rank), key=lambda r: r.rank or 0)
    assert [(r.key, r.rank) for r in order] == [("B", 1), ("C", 2), ("D", 3), ("A", 4)]
    assert [r.key for r in recs if r.grade == AnnualGrade.EXCELLENT] == ["B", "C"]
    assert "超出优秀名额" in next(r for r in recs if r.key == "D").rules[-1]


def test_tie_at_the_line_leaves_the_place_to_the_committee() -> None:
    recs = people(("A", [G, G, G, G], "95"), ("B", [G, G, G, FG], "92"),
                  ("C", [G, G, G, FG], "92")) + field(7)
    assert rules.rank(recs, year()) == 2
    a, b, c = recs[:3]
    assert a.grade == AnnualGrade.EXCELLENT
    assert (b.tie, c.tie, b.rank, c.rank) == (True, True, 2, 2)
    assert b.grade == c.grade == AnnualGrade.COMPETENT
    assert "并列" in b.rules[-1] and "只剩 1 个" in b.rules[-1]


def test_tie_inside_the_ratio_gives_both_the_place() -> None:
    recs = people(("A", [G, G, G, G], "95"), ("B", [G, G, G, G], "95")) + field(8)
    rules.rank(recs, year())
    assert [r.grade for r in recs[:2]] == [AnnualGrade.EXCELLENT] * 2
    assert not any(r.tie for r in recs)


def test_base_with_or_without_undetermined() -> None:
    on_leave = [rules.evaluate(f"L{i}", quarters(None, None, None, None), year())
                for i in range(5)]
    recs = field(20) + on_leave
    assert rules.participants(recs, year()) == 25
    assert rules.rank(recs, year()) == 5
    assert rules.rank(recs, year(base_includes_undetermined=False)) == 4


# --- what an override breaks ------------------------------------------------------------------

def test_broken_rules() -> None:
    eligible, plain, lower = ev(G, G, G, G), ev(FG, FG, FG, FG), ev(AV, AV, PO, FG)
    assert rules.broken_rules(eligible, AnnualGrade.EXCELLENT, excellent_taken=0, limit=1) == []
    assert rules.broken_rules(eligible, AnnualGrade.EXCELLENT, excellent_taken=1,
                              limit=1) == ["over_ratio"]
    assert rules.broken_rules(plain, AnnualGrade.EXCELLENT, excellent_taken=0,
                              limit=4) == ["not_eligible"]
    assert rules.broken_rules(lower, AnnualGrade.COMPETENT, excellent_taken=0,
                              limit=4) == ["lower_majority"]
    assert rules.broken_rules(lower, AnnualGrade.INCOMPETENT, excellent_taken=0, limit=4) == []
    assert rules.broken_rules(ev(G, G, refused=True), AnnualGrade.COMPETENT, excellent_taken=0,
                              limit=4) == ["refused"]
    assert rules.broken_rules(plain, AnnualGrade.UNDETERMINED, excellent_taken=0,
                              limit=4) == ["has_grades"]


@given(st.lists(st.tuples(st.lists(st.sampled_from([G, FG]), min_size=4, max_size=4),
                          st.sampled_from(["88", "90", "92.5"])), max_size=40))
def test_the_ranking_follows_its_definition_for_any_organ(
        specs: list[tuple[list[str], str]]) -> None:
    """Rank = 1 + the candidates strictly ahead; a group of equal keys gets 优秀 when it fits
    within the ratio whole, ties at the line when it straddles it, and nothing beyond."""
    recs = people(*((f"P{n:03d}", grades, score) for n, (grades, score) in enumerate(specs)))
    candidates = [r for r in recs if r.eligible]
    limit = rules.rank(recs, year())
    for r in recs:
        if r not in candidates:
            assert r.rank is None and r.grade != AnnualGrade.EXCELLENT
            continue
        ahead = sum(1 for other in candidates if other.ranking_key() > r.ranking_key())
        group = sum(1 for other in candidates if other.ranking_key() == r.ranking_key())
        assert r.rank == ahead + 1
        assert (r.grade == AnnualGrade.EXCELLENT) == (ahead + group <= limit)
        assert r.tie == (ahead < limit < ahead + group)
