from django.urls import path

from kaohe.records import views

urlpatterns = [
    path("records/", views.record_book, name="record_book"),
    path("records/<int:pk>/delete/", views.entry_delete, name="record_delete"),
]
