"""Chinese is the source language; the English catalogue must stay complete and compiled."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from kaohe.org.importer import ImportRefused, import_organ

CATALOGUE = Path(__file__).parents[1] / "kaohe" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n?$', e, re.M)
                    and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_import_problems_read_in_english_when_english_is_chosen(db: None) -> None:
    with translation.override("en"):
        try:
            import_organ({"organ": {"code": "x"}, "sections": [], "people": []})
        except ImportRefused as refused:
            assert "required field missing" in str(refused.problems[0])
        else:
            raise AssertionError("a file without organ name must be refused")
