from django.urls import path

from kaohe.appeals import views

urlpatterns = [
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/opinion/", views.opinion_add, name="appeal_opinion"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("assessments/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
]
