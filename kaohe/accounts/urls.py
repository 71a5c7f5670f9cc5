from django.urls import path

from kaohe.accounts import views

urlpatterns = [
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
