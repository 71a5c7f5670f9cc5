from django.urls import path

from kaohe.bonus import views

urlpatterns = [
    path("reports/organs/<str:code>/bonus/", views.bonus, name="bonus_split"),
    path("reports/organs/<str:code>/bonus/<int:split_id>/export/", views.bonus_export,
         name="bonus_export"),
]
