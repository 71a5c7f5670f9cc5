"""Authentication backends: the lockout guard and the optional directory (LDAP) sign-in."""

from __future__ import annotations

import logging
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest

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
        user = User.objects.filter(username=username, is_active=True,
                                   technical_role="").first()
        if user is None or not directory_password_ok(username, password):
            return None
        return user

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True, technical_role="").first()


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
