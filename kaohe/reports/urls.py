from django.urls import path

from kaohe.reports import views

urlpatterns = [
    path("reports/", views.home, name="reports_home"),
    path("reports/organs/<str:code>/progress/", views.progress, name="reports_progress"),
    path("reports/organs/<str:code>/progress/panel/", views.progress_panel,
         name="reports_progress_panel"),
    path("reports/organs/<str:code>/progress/export/", views.progress_export,
         name="reports_progress_export"),
    path("reports/organs/<str:code>/progress/chart/", views.progress_chart,
         name="reports_progress_chart"),
    path("reports/periods/<int:period_id>/remind/", views.remind, name="reports_remind"),
    path("reports/organs/<str:code>/results/", views.results, name="reports_results"),
    path("reports/organs/<str:code>/results/export/", views.results_export,
         name="reports_results_export"),
    path("reports/organs/<str:code>/results/export/job/", views.results_export_job,
         name="reports_results_export_job"),
    path("reports/organs/<str:code>/results/chart/", views.results_chart,
         name="reports_results_chart"),
    path("reports/organs/<str:code>/quota/", views.quota, name="reports_quota"),
    path("reports/department/", views.department, name="reports_department"),
    path("reports/department/export/", views.department_export,
         name="reports_department_export"),
    path("reports/department/chart/", views.department_chart, name="reports_department_chart"),
    path("reports/people/<str:personnel_no>/", views.person, name="reports_person"),
    path("reports/people/<str:personnel_no>/export/", views.person_export,
         name="reports_person_export"),
    path("reports/people/<str:personnel_no>/chart/", views.person_chart,
         name="reports_person_chart"),
]
