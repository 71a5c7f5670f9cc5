"""Chinese is the source language; the English catalogue must stay complete and compiled."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from kaohe.org.importer import ImportRefused, import_organ

PACKAGE = Path(__file__).parents[1] / "kaohe"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def test_every_message_has_an_english_translation() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n?$', e, re.M)
                    and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_no_translated_text_hides_where_extraction_cannot_see_it() -> None:
    """xgettext does not read inside an f-string's braces: a `_("…")` there never reaches the
    catalogue, and the English page shows it in Chinese. Translate first, then format."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for formatted in ast.walk(tree):
            if isinstance(formatted, ast.JoinedStr):
                hidden += [f"{path.relative_to(PACKAGE)}:{call.lineno}"
                           for call in ast.walk(formatted) if isinstance(call, ast.Call)
                           and isinstance(call.func, ast.Name)
                           and call.func.id in {"_", "gettext", "gettext_lazy", "ngettext"}]
    assert hidden == []


def test_import_problems_read_in_english_when_english_is_chosen(db: None) -> None:
    with translation.override("en"):
        try:
            import_organ({"organ": {"code": "x"}, "sections": [], "people": []})
        except ImportRefused as refused:
            assert "required field missing" in str(refused.problems[0])
        else:
            raise AssertionError("a file without organ name must be refused")


def _po_text(lines: list[str]) -> str:
    """The text of a msgid/msgstr keyword line and its continuation lines."""
    return "".join(PO_STRING.findall(" ".join(lines))).replace('\\"', '"')


def _unfinished_entries(text: str) -> tuple[list[str], list[str]]:
    """The msgids of the live entries of a .po text that are untranslated, and that are fuzzy."""
    untranslated: list[str] = []
    fuzzy: list[str] = []
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        fields: dict[str, list[str]] = {}
        keyword = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                keyword = line.split(" ", 1)[0]
            fields.setdefault(keyword, []).append(line)
        msgid = _po_text(fields.get("msgid", []))
        if not msgid:
            continue  # the header, or an obsolete (#~) entry
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            fuzzy.append(msgid)
        elif any(_po_text(value) == "" for key, value in fields.items()
                 if key.startswith("msgstr")):
            untranslated.append(msgid)
    return untranslated, fuzzy


def test_catalogue_covers_every_translatable_string_in_the_code(tmp_path: Path) -> None:
    """Extract the strings from the code as it is now, as a developer would with
    `kaohe makemessages -l en`, in a copy of the package so that the committed catalogue is not
    touched: a string added to the code but not to the catalogue shows up as untranslated, and
    one changed in the code shows up as fuzzy."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge, msguniq) must be installed to check the "
                    "English catalogue against the code; install the gettext package.")
    package = tmp_path / "kaohe"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "kaohe", "makemessages", "-l", "en"],
        cwd=package, env={**os.environ, "KAOHE_VAR_DIR": str(tmp_path / "var")},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    merged = package / "locale" / "en" / "LC_MESSAGES" / "django.po"
    untranslated, fuzzy = _unfinished_entries(merged.read_text(encoding="utf-8"))
    problems = [f"untranslated: {msgid}" for msgid in untranslated]
    problems += [f"fuzzy (the guessed translation needs checking): {msgid}" for msgid in fuzzy]
    assert not problems, (
        "The English catalogue does not cover the code. Run `kaohe makemessages -l en` in the "
        "kaohe folder, translate these entries in locale/en/LC_MESSAGES/django.po (remove the "
        "fuzzy flags), then `kaohe compilemessages`:\n  " + "\n  ".join(problems))


def test_quarters_and_grades_are_named_in_the_language_asked_each_time() -> None:
    """Their names are translated once a language and kept: asking in turn gives each its own."""
    from kaohe.annual.labels import grade_label
    from kaohe.plans.labels import quarter_label, quarter_name
    from kaohe.reports.layout import grade_series

    for _round in range(2):
        with translation.override("zh-hans"):
            assert (quarter_label(2026, 4), quarter_name(4)) == ("2026 年第四季度", "第四季度")
            assert grade_label("好") == "好" and grade_series()[0][1] == "好"
        with translation.override("en"):
            assert (quarter_label(2026, 4), quarter_name(4)) == ("2026 Q4", "Q4")
            assert grade_label("好") == "Good" and grade_series()[0][1] == "Good"
