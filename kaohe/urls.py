from django.contrib import admin
from django.urls import include, path

from kaohe.api.api import api

urlpatterns = [
    path("", include("kaohe.web.urls")),
    path("", include("kaohe.assessments.urls")),
    path("", include("kaohe.appeals.urls")),
    path("", include("kaohe.records.urls")),
    path("", include("kaohe.audit.urls")),
    path("", include("kaohe.accounts.urls")),
    path("", include("kaohe.annual.urls")),
    path("", include("kaohe.documents.urls")),
    path("", include("kaohe.reports.urls")),
    path("", include("kaohe.jobs.urls")),
    path("", include("kaohe.bonus.urls")),
    path("", include("kaohe.recipients.urls")),
    path("", include("kaohe.ballots.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# The error pages in the site's layout and the reader's language (kaohe/web/errors.py).
handler400 = "kaohe.web.errors.bad_request"
handler403 = "kaohe.web.errors.permission_denied"
handler404 = "kaohe.web.errors.page_not_found"
handler500 = "kaohe.web.errors.server_error"
