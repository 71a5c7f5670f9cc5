"""Addresses for the rows of a list, reversed once for the list: Django's reverse costs about as
much as writing the rest of a row."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

# Django's reverse leaves these as they are in an argument (RFC 3986's sub-delimiters and more).
URL_SAFE = "!$&'()*+,;=/~:@"
# Stands for each row's value in the address reversed once; matches the str converter.
ROW_VALUE = "row-value"


def row_address(name: str, *args: object) -> Callable[[str], str | None]:
    """The address of `name` with ROW_VALUE among its `args`, as a function of each row's
    value: the address with the value in its place, quoted as reverse quotes it; None for a
    value no address can hold (empty, or with a slash, which the str converter refuses)."""
    address = reverse(name, args=args)

    def of(value: str) -> str | None:
        if not value or "/" in value:
            return None
        return address.replace(ROW_VALUE, quote(value, safe=URL_SAFE))
    return of
