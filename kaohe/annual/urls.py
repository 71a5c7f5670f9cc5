from django.urls import path

from kaohe.annual import views

urlpatterns = [
    path("annual/<str:organ>/<int:year>/", views.annual_page, name="annual_page"),
    path("annual/<str:organ>/<int:year>/decide/", views.decide, name="annual_decide"),
    path("annual/<str:organ>/<int:year>/refusal/", views.refusal, name="annual_refusal"),
    path("annual/<str:organ>/<int:year>/settings/", views.settings, name="annual_settings"),
    path("annual/<str:organ>/<int:year>/announce/", views.announce, name="annual_announce"),
    path("annual/<str:organ>/<int:year>/announcement/", views.announcement,
         name="annual_announcement"),
]
