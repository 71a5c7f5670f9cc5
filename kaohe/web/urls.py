from django.urls import path

from kaohe.accounts import sso
from kaohe.web import organ_import, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", sso.SignIn.as_view(), name="login"),
    path("logout/", sso.SignOut.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("import/", organ_import.organ_import, name="organ_import"),
    path("import/check/", organ_import.organ_import_check, name="organ_import_check"),
    path("import/apply/", organ_import.organ_import_apply, name="organ_import_apply"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("organs/", views.organ_list, name="organ_list"),
    path("organs/<str:code>/", views.organ_detail, name="organ_detail"),
    path("organs/<str:organ_code>/sections/<str:code>/", views.section_detail,
         name="section_detail"),
    path("people/", views.people_search, name="people_search"),
    path("people/<str:personnel_no>/", views.person_detail, name="person_detail"),
]
