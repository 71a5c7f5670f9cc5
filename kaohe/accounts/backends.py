"""Authentication backends: the lockout guard, and the optional sign-ins through the organ's
directory (LDAP) and identity platform (OpenID Connect, CAS). See docs/sso.md."""

from __future__ import annotations

import logging
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django_cas_ng.backends import CASBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kaohe.accounts.models import User

log = logging.getLogger(__name__)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' guard, which refuses every attempt while the account or address is locked.

    Axes insists on a request; a check without one (a management command, a script on the
    server) cannot be a brute-force attempt over the network, so it is simply not watched.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LdapBackend:
    """Checks the password against the organ's directory; signs in the existing Kaohe account
    of the same user name. It never creates accounts (the office or the system administrator
    does, with the person), and never signs in a technical administrator, whose account must
    not depend on the directory's administrators (三员分立). See docs/sso.md."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if not settings.KAOHE_LDAP_URL or not username or not password:
            return None
        user = outside_account(username)
        if user is None or not directory_password_ok(username, password):
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        return outside_accounts().filter(pk=user_id).first()


def outside_accounts() -> QuerySet[User]:
    """The accounts a sign-in checked outside Kaohe may open: active ones, never a technical
    administrator's (三员分立: the directory's or platform's administrators must not be able
    to become them)."""
    return User.objects.filter(is_active=True, technical_role="")


def outside_account(username: str | None) -> User | None:
    """The account of the same user name, if it may be opened from outside. None is never
    guessed: no account is created from the directory or the platform."""
    return outside_accounts().filter(username=username).first() if username else None


class OidcBackend(OIDCAuthenticationBackend):
    """OpenID Connect: the provider's claim `KAOHE_OIDC_USERNAME_CLAIM` names the account."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # a missing claim matches no account below, and the sign-in fails

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username = claims.get(settings.KAOHE_OIDC_USERNAME_CLAIM)
        return outside_accounts().filter(username=username) if username else User.objects.none()

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user  # the platform's name and e-mail do not overwrite the person's record

    def get_user(self, user_id: int) -> User | None:
        return outside_accounts().filter(pk=user_id).first()


class CasBackend(CASBackend):
    """CAS 2.0/3.0: the ticket's user (or the attribute `KAOHE_CAS_USERNAME_ATTRIBUTE`) names
    the account."""

    def user_can_authenticate(self, user: Any) -> bool:
        return user is not None and outside_accounts().filter(pk=user.pk).exists()

    def get_user(self, user_id: int) -> User | None:
        return outside_accounts().filter(pk=user_id).first()


# Sessions opened by these backends have their password elsewhere: Kaohe never asks them to
# change a local one.
OUTSIDE_PASSWORD_BACKENDS = frozenset(
    f"{__name__}.{backend.__name__}" for backend in (LdapBackend, OidcBackend, CasBackend))


def directory_password_ok(username: str, password: str) -> bool:
    """Find the directory entry of `username` (with the service account, if one is set) and
    bind as it with `password`. An empty password never reaches here: LDAP would accept it as
    an anonymous bind."""
    import ldap3
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars

    server = ldap3.Server(settings.KAOHE_LDAP_URL, connect_timeout=settings.KAOHE_LDAP_TIMEOUT)
    query = settings.KAOHE_LDAP_USER_FILTER.format(username=escape_filter_chars(username))
    try:
        search = _bound(server, settings.KAOHE_LDAP_BIND_DN, settings.KAOHE_LDAP_BIND_PASSWORD)
        if search is None:
            log.error("LDAP: the search account cannot bind")
            return False
        try:
            search.search(settings.KAOHE_LDAP_SEARCH_BASE, query, attributes=[])
            entries = list(search.entries)
        finally:
            search.unbind()
        if len(entries) != 1:
            return False  # unknown, or ambiguous: never guess which entry is meant
        person = _bound(server, entries[0].entry_dn, password)
        if person is None:
            return False
        person.unbind()
        return True
    except LDAPException:
        log.exception("LDAP: the directory could not be asked")
        return False


def _bound(server: Any, dn: str, password: str) -> Any:
    """A connection bound as `dn` (anonymous when both are empty), or None."""
    import ldap3

    connection = ldap3.Connection(server, user=dn or None, password=password or None,
                                  auto_bind=ldap3.AUTO_BIND_NONE,
                                  receive_timeout=settings.KAOHE_LDAP_TIMEOUT)
    connection.open()
    if settings.KAOHE_LDAP_START_TLS:
        connection.start_tls()
    if not connection.bind():
        connection.unbind()
        return None
    return connection
