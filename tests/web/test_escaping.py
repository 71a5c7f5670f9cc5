"""Markup written in Python escapes exactly as Django's escape and conditional_escape do."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.forms.utils import ErrorList
from django.utils import html as django
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from kaohe.lib import escaping

TEXTS = ['a "quoted" <b>tag</b> & 评鉴 \'x\'', mark_safe("<b>safe</b>"),
         gettext_lazy("<考核>"), mark_safe(gettext_lazy("<b>考核</b>")),  # noqa: S308 (test input)
         42, Decimal("88.50"),
         None, "", ErrorList(["<错误>"])]


@pytest.mark.parametrize("text", TEXTS, ids=repr)
def test_the_same_as_djangos(text: object) -> None:
    assert escaping.conditional_escape(text) == django.conditional_escape(text)
    if not isinstance(text, ErrorList):
        assert escaping.escape(text) == django.escape(text)
