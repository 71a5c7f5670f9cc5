from django.urls import path

from kaohe.annual import views

urlpatterns = [
    # Before annual/<organ>/<year>/, which would otherwise take "archive" for an organ code.
    path("annual/archive/<int:pk>/", views.archive_download, name="archive_download"),
    path("annual/archive/<int:pk>/correct/", views.archive_correct, name="archive_correct"),
    path("annual/rollup/", views.rollup, name="annual_rollup"),
    path("annual/<str:organ>/<int:year>/", views.annual_page, name="annual_page"),
    path("annual/<str:organ>/<int:year>/decide/", views.decide, name="annual_decide"),
    path("annual/<str:organ>/<int:year>/confirm-all/", views.confirm_all,
         name="annual_confirm_all"),
    path("annual/<str:organ>/<int:year>/refusal/", views.refusal, name="annual_refusal"),
    path("annual/<str:organ>/<int:year>/settings/", views.settings, name="annual_settings"),
    path("annual/<str:organ>/<int:year>/announce/", views.announce, name="annual_announce"),
    path("annual/<str:organ>/<int:year>/announcement/", views.announcement,
         name="annual_announcement"),
    path("annual/<str:organ>/<int:year>/close/", views.close, name="annual_close"),
    path("annual/<str:organ>/<int:year>/archive/", views.archive_list, name="annual_archive"),
]
