"""The rules of service recipients' opinions (§七(三)), without a database: what a fair opinion
is, when a link takes opinions, whom a link may be made for."""

from __future__ import annotations

import datetime

import pytest

from kaohe.recipients import rules

TODAY = datetime.date(2025, 8, 1)


@pytest.mark.parametrize("comment", [
    "", "窗口工作人员态度很好，办事效率高。", "好好好", "等了1.5小时，希望增加窗口。",
    "Very helpful, thank you!", "👍👍", "办理营业执照很顺利😀", "评分 >3 分",
    "过去死活办不下来，现在一次办好",
    "第一行\n第二行",
])
def test_fair_comments_pass(comment: str) -> None:
    assert rules.comment_problem(comment) == ""


@pytest.mark.parametrize(("comment", "says"), [
    ("好" * (rules.COMMENT_MAX + 1), "不超过 300 字"),
    ("详见 http://example.com/win", "网址"),
    ("加微信领红包 www.example.cn", "网址"),
    ("访问 abc.com很便宜", "网址"),
    ("<script>alert(1)</script>", "网页标记"),
    ("很好<a href=x>点我</a>", "网页标记"),
    ("&#60;b&#62;", "网页标记"),
    ("态度\x07很好", "控制字符"),
    ("态度\u202e很好", "控制字符"),
    ("态度\x00很好", "控制字符"),
    ("！！！！", "重复的字符或标点"),
    ("……", "重复的字符或标点"),
    ("啊啊啊啊啊", "重复的字符或标点"),
    ("很好" + "！" * rules.FLOOD_RUN, "重复的字符或标点"),
    ("这个人是傻逼", "侮辱性用语"),
    ("傻B一个", "侮辱性用语"),
    ("FUCK this", "侮辱性用语"),
])
def test_abusive_or_malformed_comments_are_refused_with_the_clause(comment: str,
                                                                  says: str) -> None:
    problem = rules.comment_problem(comment)
    assert says in problem and rules.RULE in problem


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_is_one_to_five(rating: int) -> None:
    assert rules.RULE in rules.rating_problem(rating)
    assert all(rules.rating_problem(r) == "" for r in rules.RATINGS)


def accepts(**changes: object) -> str:
    values: dict[str, object] = {"active": True, "valid_until": TODAY, "today": TODAY,
                                 "received": 0, "quota": 2, **changes}
    return rules.closed(**values)  # type: ignore[arg-type]


def test_a_link_takes_opinions_until_stopped_expired_or_full() -> None:
    assert accepts() == rules.ACCEPTING
    assert accepts(received=1) == rules.ACCEPTING
    assert accepts(active=False) == rules.INACTIVE
    assert accepts(today=TODAY + datetime.timedelta(days=1)) == rules.EXPIRED
    assert accepts(received=2) == rules.QUOTA_REACHED
    for reason in (rules.INACTIVE, rules.EXPIRED, rules.QUOTA_REACHED):
        assert rules.RULE in rules.closed_message(reason)
        assert rules.state_label(reason) != rules.state_label(rules.ACCEPTING)


def problem(**changes: object) -> str:
    values: dict[str, object] = {"frontline": True, "valid_until": TODAY, "today": TODAY,
                                 "quota": rules.DEFAULT_QUOTA, **changes}
    return rules.link_problem(**values)  # type: ignore[arg-type]


def test_links_are_for_front_line_people_within_a_year_and_a_quota() -> None:
    assert problem() == ""
    assert problem(valid_until=TODAY + datetime.timedelta(days=rules.MAX_VALID_DAYS)) == ""
    assert "基层一线" in problem(frontline=False)
    assert "有效期" in problem(valid_until=TODAY - datetime.timedelta(days=1))
    assert "有效期" in problem(valid_until=TODAY + datetime.timedelta(days=rules.MAX_VALID_DAYS
                                                                         + 1))
    assert "上限" in problem(quota=0)
    assert "上限" in problem(quota=rules.MAX_QUOTA + 1)
    assert all(rules.RULE in p for p in (problem(frontline=False), problem(quota=0)))
