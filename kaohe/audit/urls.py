from django.urls import path

from kaohe.audit import views

urlpatterns = [
    path("audit/", views.events, name="audit_events"),
    path("audit/verify/", views.verify, name="audit_verify"),
]
