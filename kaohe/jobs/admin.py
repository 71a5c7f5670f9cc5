"""django-tasks-db registers its queue entries in the admin; Kaohe's admin is for the organs'
data (decision 0023), and a job is followed on its owner's page: the entry is taken out."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
