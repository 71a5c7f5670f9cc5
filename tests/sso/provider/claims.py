"""The claims the provider gives: the platform's user name, and the Kaohe account's name under
a claim of its own, as a platform whose user names differ from the organ's would."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

KAOHE_CLAIM = "kaohe_username"


class Claims(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, KAOHE_CLAIM: "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        username = request.user.username
        return {"preferred_username": username, KAOHE_CLAIM: username.removeprefix("p-")}
