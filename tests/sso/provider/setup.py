"""Creates the provider's database: its people, Kaohe as an OpenID Connect client, and Kaohe's
pages as a CAS service. `python -m tests.sso.provider.setup PASSWORD CLIENT_ID SECRET`."""

import sys

import django

django.setup()

from cas_server.models import ServicePattern  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

# Where the tests' Django client says Kaohe is.
KAOHE = "http://testserver"
# Kaohe's people as the platform knows them, someone Kaohe does not know, a technical
# administrator, and a platform name ("p-") that only the extra claim maps to a Kaohe account.
PEOPLE = ("staff", "chief", "nobody", "secadmin", "p-staff")


def main(password: str, client_id: str, secret: str) -> None:
    call_command("migrate", verbosity=0)
    for username in PEOPLE:
        User.objects.create_user(username=username, password=password)
    Application.objects.create(
        name="Kaohe", client_id=client_id, client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{KAOHE}/sso/oidc/callback/",
        post_logout_redirect_uris=f"{KAOHE}/login/",
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    ServicePattern.objects.create(pos=0, name="Kaohe", pattern=f"^{KAOHE}/",
                                  single_log_out=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
