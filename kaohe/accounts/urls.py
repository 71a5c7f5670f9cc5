from django.urls import path

from kaohe.accounts import sso, views

urlpatterns = [
    path("sso/oidc/", sso.oidc_login, name="oidc_login"),
    path("sso/oidc/callback/", sso.oidc_callback, name="oidc_callback"),
    path("sso/cas/", sso.cas_login, name="cas_login"),
    path("login/verify/", views.otp_verify, name="otp_verify"),
    path("profile/second-factor/", views.otp_enrol, name="otp_enrol"),
    path("security/", views.security_overview, name="security_overview"),
    path("security/unlock/", views.security_unlock, name="security_unlock"),
    path("security/force-password/", views.security_force_password,
         name="security_force_password"),
    path("security/reset-second-factor/", views.security_reset_second_factor,
         name="security_reset_second_factor"),
    path("security/policy/", views.security_policy, name="security_policy"),
]
