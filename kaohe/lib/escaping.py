"""Escaping for markup written in Python (form widgets, report tables, charts): what Django's
escape and conditional_escape return, without the check for lazy text that wraps every call
of theirs, a fifth of writing a widget. A lazy text is still translated: str() does it."""

from __future__ import annotations

import html
from typing import Any

from django.utils.functional import Promise


def escape(text: Any) -> str:
    """django.utils.html.escape: the text with its markup characters escaped."""
    return html.escape(str(text))


def conditional_escape(text: Any) -> str:
    """django.utils.html.conditional_escape: markup marked safe as it is (a lazy text
    translated first, which may be), anything else escaped."""
    if isinstance(text, Promise):
        text = str(text)
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))
