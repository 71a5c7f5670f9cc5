"""Service recipients' opinions (服务对象意见) of §七(三): "审核评鉴…应当结合日常了解、
群众评价以及服务对象意见等情况". Pure functions over plain values, as kaohe/annual/rules.py;
each reason names its clause.

The office gives a front-line person (RULES.md: posts carry a front-line flag) a link that
members of the public open without an account, to leave a rating of 1 to 5 and an optional
comment. The public is anonymous and unchecked, so the comment is held to what a fair opinion
needs: short, plain text, no web address (advertising, phishing), no markup, no control
characters, not a flood of one character or of punctuation, and not one of a few insults
(ABUSIVE, kept short on purpose: every word there must be one no fair comment contains)."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _

RULE = "§七(三)"
RATINGS = (1, 2, 3, 4, 5)
COMMENT_MAX = 300  # characters: an opinion of the service, not a complaint file
LABEL_MAX = 100  # the service window or matter printed on the card
DEFAULT_QUOTA = 200
MAX_QUOTA = 5000
MAX_VALID_DAYS = 366  # a printed card is reprinted at least once a year
FLOOD_RUN = 10  # the same character this many times in a row is a flood, not a comment
REPEATED_ALONE = 5  # one character repeated this often and nothing else ("啊啊啊啊啊")

# A scheme, "www.", or a name under a common top-level domain: the public form is no place for
# links. Chinese text has no spaces, so no word boundary is asked for around the name (\b would
# not see one between "cn" and a following Chinese character).
_WEB_ADDRESS = re.compile(
    r"[a-z][a-z0-9+.-]*://|www\.|[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|info|vip|cc|io|me|"
    r"club|site|online|shop|app|link|tk)(?![a-z0-9])", re.IGNORECASE)
_MARKUP = re.compile(r"<\s*[a-z/!?]|&#?\w+;", re.IGNORECASE)
# Insults only, each unambiguous inside longer Chinese words (so not, say, 去死, found in
# 过去死活…). Compared casefolded; the Latin ones where no Latin letter comes before them.
ABUSIVE = ("傻逼", "傻b", "煞笔", "草泥马", "操你")
_ABUSIVE_LATIN = re.compile(r"(?<![a-z])(?:fuck|shit)", re.IGNORECASE)
_FLOOD = re.compile(rf"(\S)\1{{{FLOOD_RUN - 1},}}")
# The zero-width joiner inside composed emoji (a family, a profession): a format character
# that phones type themselves.
_ALLOWED_FORMAT = {"\u200d"}

ACCEPTING, INACTIVE, EXPIRED, QUOTA_REACHED = "", "inactive", "expired", "quota_reached"


def rating_problem(rating: int) -> str:
    if rating not in RATINGS:
        return _("请选择 1 到 5 分的评分（%(rule)s）。") % {"rule": RULE}
    return ""


def comment_problem(comment: str) -> str:
    """Why the comment is refused, or "". An empty comment is fine: the rating is the opinion."""
    text = comment.strip()
    if len(text) > COMMENT_MAX:
        return _("意见不超过 %(limit)d 字，现为 %(length)d 字（%(rule)s）。") % {
            "limit": COMMENT_MAX, "length": len(text), "rule": RULE}
    if any(_is_control(char) for char in text):
        return _("意见含有不允许的控制字符，请只填写文字（%(rule)s）。") % {"rule": RULE}
    if _WEB_ADDRESS.search(text):
        return _("意见中不能包含网址或链接（%(rule)s）。") % {"rule": RULE}
    if _MARKUP.search(text):
        return _("意见中不能包含网页标记（如 <…>），请只填写文字（%(rule)s）。") % {"rule": RULE}
    if text and _is_noise(text):
        return _("请用文字写下对服务的具体意见，不要只填重复的字符或标点（%(rule)s）。") % {
            "rule": RULE}
    folded = text.casefold()
    if any(word in folded for word in ABUSIVE) or _ABUSIVE_LATIN.search(text):
        return _("意见中含有侮辱性用语，请文明表达（%(rule)s）。") % {"rule": RULE}
    return ""


def _is_control(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in "\n\r\t"
    return category in {"Cf", "Co", "Cs"} and char not in _ALLOWED_FORMAT


def _is_noise(text: str) -> bool:
    """Only punctuation, one character repeated alone, or a run of one character."""
    visible = [char for char in text if not char.isspace()]
    if all(unicodedata.category(char).startswith("P") for char in visible):
        return True
    if len(visible) >= REPEATED_ALONE and len(set(visible)) == 1:
        return True
    return _FLOOD.search(text) is not None


def closed(*, active: bool, valid_until: datetime.date, today: datetime.date, received: int,
           quota: int) -> str:
    """Why a link no longer accepts opinions (INACTIVE, EXPIRED, QUOTA_REACHED), or ACCEPTING."""
    if not active:
        return INACTIVE
    if today > valid_until:
        return EXPIRED
    if received >= quota:
        return QUOTA_REACHED
    return ACCEPTING


def closed_message(reason: str) -> str:
    messages = {
        INACTIVE: _("此链接已停用，不再收集意见（%(rule)s）。"),
        EXPIRED: _("此链接已过有效期，不再收集意见（%(rule)s）。"),
        QUOTA_REACHED: _("此链接收集的意见已达上限，不再收集意见（%(rule)s）。"),
    }
    return messages[reason] % {"rule": RULE}


def state_label(reason: str) -> str:
    """What the office's list says of a link: taking opinions, or why not."""
    return {ACCEPTING: _("收集中"), INACTIVE: _("已停用"), EXPIRED: _("已过期"),
            QUOTA_REACHED: _("已达上限")}[reason]


def link_problem(*, frontline: bool, valid_until: datetime.date, today: datetime.date,
                 quota: int) -> str:
    """Why a link may not be created, or "": only front-line people serve the public directly
    (RULES.md, §八: posts carry a front-line flag), a date not past and within a year, a quota
    within bounds."""
    if not frontline:
        return _("只能为基层一线岗位的人员创建服务对象意见链接（%(rule)s）。") % {"rule": RULE}
    if not today <= valid_until <= today + datetime.timedelta(days=MAX_VALID_DAYS):
        return _("有效期须在今天到一年之内（%(rule)s）。") % {"rule": RULE}
    if not 1 <= quota <= MAX_QUOTA:
        return _("意见数上限须在 1 到 %(max)d 之间（%(rule)s）。") % {
            "max": MAX_QUOTA, "rule": RULE}
    return ""
