"""Refusals a person can act on (ARCHITECTURE.md example 10): what was wrong, in the user's
language, and which rule applies. Services raise them; pages show them, the API returns
{"error": {"code", "message", "rule"}} with the status below."""

from __future__ import annotations


class Refused(Exception):
    """The request is understood but the rules refuse it (409) or it is malformed (400)."""

    status = 409

    def __init__(self, message: str, *, rule: str = "", code: str = "refused",
                 status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.code = code
        if status is not None:
            self.status = status


class Invalid(Refused):
    status = 400

    def __init__(self, message: str, *, rule: str = "", code: str = "invalid") -> None:
        super().__init__(message, rule=rule, code=code)


class NotAllowed(Refused):
    """The user may see this but not do that (403)."""

    status = 403

    def __init__(self, message: str, *, rule: str = "", code: str = "forbidden") -> None:
        super().__init__(message, rule=rule, code=code)
