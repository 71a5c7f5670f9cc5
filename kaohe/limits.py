"""The limits of everything a person types, in one place (decision 0007).

Forms, API schemas and services all read them from here, so that a page, the API and a
direct service call refuse the same input with the same message. Lengths are in characters.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.errors import Invalid

SUMMARY = 5000  # the quarterly personal summary (§七(二): 简明扼要)
RECORD_ENTRY = 2000  # one record-book entry
REASON = 2000  # reasons, comments and opinions
FEEDBACK = 4000  # the feedback text (§七(四))
LIAISON_ANSWER = 4000
SHORT = 200  # one-line fields: a reward, a team decision, a task title
TOKEN_NAME = 100
KEY = 64  # codes and personnel numbers named in a URL or a query

YEAR_MIN, YEAR_MAX = 2000, 2100
SCORE_MIN, SCORE_MAX = 0, 100
ID_MAX = 2**63 - 1  # the largest primary key the databases hold
IMPORT_BYTES = 2 * 1024 * 1024  # an organ's file uploaded on the import page
IMPORT_UNPACKED_BYTES = 50 * 1024 * 1024  # what an XLSX (a zip) may unpack to
IMPORT_ROWS = 200_000  # rows of one sheet of an import file (a province's organ has fewer)
IMPORT_COLUMNS = 50  # columns read from a sheet (the widest, people, has 20)
# A page's request body: the largest upload (the import's) and the form around it.
UPLOAD_BODY_BYTES = IMPORT_BYTES + 256 * 1024
ARCHIVE_BYTES = 2 * 1024 * 1024  # a corrected archive file (a form's .docx is some 40 KB)
ARCHIVE_UNPACKED_BYTES = 20 * 1024 * 1024  # what a corrected .docx (a zip) may unpack to
PAGE_DEFAULT, PAGE_MAX = 200, 1000  # rows of an API list per request (`limit`)


def text(value: str, limit: int, *, label: str, rule: str = "") -> str:
    """`value` without surrounding blanks, refused when too long or holding a NUL character
    (PostgreSQL cannot store one, and no keyboard types it)."""
    if "\x00" in value:
        raise Invalid(_("“%(label)s”含有不允许的空字符（\\0）。") % {"label": label}, rule=rule,
                      code="invalid_text")
    if len(value) > limit:
        raise Invalid(_("“%(label)s”不超过 %(limit)d 字，现为 %(length)d 字。") % {
            "label": label, "limit": limit, "length": len(value)}, rule=rule, code="too_long")
    return value.strip()
