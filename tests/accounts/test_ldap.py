"""Sign-in against the organ's directory, tested against a real OpenLDAP server (Debian's
slapd) started on 127.0.0.1 with a temporary configuration and a test entry."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaohe.accounts.backends import directory_password_ok
from kaohe.accounts.models import User
from tests.accounts.conftest import sign_in
from tests.personas import PASSWORD, World

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE = "dc=kaohe,dc=test"
SERVICE_DN = f"cn=reader,{BASE}"
SERVICE_PASSWORD = "Reader-secret-1"
DIRECTORY_PASSWORD = "Directory-pass-2025"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {root}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{base}"
rootdn "cn=admin,{base}"
rootpw Admin-secret-1
directory {root}/db
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{service}" read by * none
"""

ENTRIES = """\
dn: {base}
objectClass: dcObject
objectClass: organization
o: Kaohe test
dc: kaohe

dn: cn=reader,{base}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: reader
userPassword: {service_password}

dn: ou=people,{base}
objectClass: organizationalUnit
ou: people

dn: uid=staff,ou=people,{base}
objectClass: inetOrgPerson
uid: staff
cn: Staff
sn: Staff
userPassword: {password}

dn: uid=secadmin,ou=people,{base}
objectClass: inetOrgPerson
uid: secadmin
cn: Sec
sn: Admin
userPassword: {password}

dn: uid=nobody,ou=people,{base}
objectClass: inetOrgPerson
uid: nobody
cn: Nobody
sn: Nobody
userPassword: {password}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("slapd")
    (root / "db").mkdir()
    config = root / "slapd.conf"
    config.write_text(CONFIG.format(root=root, base=BASE, service=SERVICE_DN))
    data = root / "entries.ldif"
    data.write_text(ENTRIES.format(base=BASE, service_password=SERVICE_PASSWORD,
                                   password=DIRECTORY_PASSWORD))
    subprocess.run([SLAPADD, "-f", str(config), "-l", str(data)], check=True,
                   capture_output=True)
    url = f"ldap://127.0.0.1:{free_port()}"
    # -d 0: stay in the foreground (no daemon, no systemd), so that the fixture owns it.
    server = subprocess.Popen([SLAPD, "-f", str(config), "-h", f"{url}/", "-d", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    host, port = url.removeprefix("ldap://").split(":")
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError(f"slapd stopped: {server.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            socket.create_connection((host, int(port)), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("slapd did not start")


@pytest.fixture
def directory(slapd: str, settings: object) -> str:
    settings.KAOHE_LDAP_URL = slapd  # type: ignore[attr-defined]
    settings.KAOHE_LDAP_BIND_DN = SERVICE_DN  # type: ignore[attr-defined]
    settings.KAOHE_LDAP_BIND_PASSWORD = SERVICE_PASSWORD  # type: ignore[attr-defined]
    settings.KAOHE_LDAP_SEARCH_BASE = f"ou=people,{BASE}"  # type: ignore[attr-defined]
    settings.AUTHENTICATION_BACKENDS = [  # type: ignore[attr-defined]
        "kaohe.accounts.backends.LockoutBackend",
        "kaohe.accounts.backends.LdapBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return slapd


def test_the_directory_password_signs_in_the_existing_account(client: Client, world: World,
                                                               directory: str) -> None:
    response = sign_in(client, "staff", DIRECTORY_PASSWORD)
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY].endswith("LdapBackend")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_directory_password_is_refused(client: Client, world: World,
                                               directory: str) -> None:
    assert not directory_password_ok("staff", "Wrong-pass-2025")
    assert sign_in(client, "staff", "Wrong-pass-2025").status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_empty_password_is_not_an_anonymous_bind(world: World, directory: str) -> None:
    client = Client()
    assert sign_in(client, "staff", "").status_code == 200
    assert "_auth_user_id" not in client.session


def test_no_account_is_created_for_a_directory_entry(client: Client, world: World,
                                                     directory: str) -> None:
    assert directory_password_ok("nobody", DIRECTORY_PASSWORD)
    assert sign_in(client, "nobody", DIRECTORY_PASSWORD).status_code == 200
    assert not User.objects.filter(username="nobody").exists()


def test_technical_administrators_never_sign_in_through_the_directory(
        client: Client, world: World, directory: str) -> None:
    assert sign_in(client, "secadmin", DIRECTORY_PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "secadmin", PASSWORD).status_code == 302  # their own password


def test_the_local_password_still_works(client: Client, world: World, directory: str) -> None:
    assert sign_in(client, "staff", PASSWORD).status_code == 302


def test_filter_characters_are_escaped(world: World, directory: str) -> None:
    assert not directory_password_ok("*", DIRECTORY_PASSWORD)
    assert not directory_password_ok("staff)(uid=*", DIRECTORY_PASSWORD)


def test_a_directory_session_is_not_asked_for_an_expired_local_password(
        client: Client, world: World, directory: str) -> None:
    User.objects.filter(username="staff").update(
        password_changed_at=timezone.now() - timezone.timedelta(days=400))
    sign_in(client, "staff", DIRECTORY_PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_an_unreachable_directory_refuses_without_error(world: World, settings: object) -> None:
    settings.KAOHE_LDAP_URL = f"ldap://127.0.0.1:{free_port()}"  # type: ignore[attr-defined]
    settings.KAOHE_LDAP_TIMEOUT = 1  # type: ignore[attr-defined]
    assert not directory_password_ok("staff", DIRECTORY_PASSWORD)


def test_failed_directory_logins_count_towards_the_lockout(client: Client, world: World,
                                                          directory: str) -> None:
    for _ in range(5):
        sign_in(client, "staff", "Wrong-pass-2025")
    assert sign_in(client, "staff", DIRECTORY_PASSWORD).status_code == 429

