from django.urls import path

from kaohe.documents import views

urlpatterns = [
    path("documents/quarterly/<int:pk>/", views.quarterly_html, name="quarterly_form_html"),
    path("documents/quarterly/<int:pk>.docx", views.quarterly_docx, name="quarterly_form_docx"),
    path("documents/annual/<str:personnel_no>/<int:year>/", views.annual_html,
         name="annual_form_html"),
    path("documents/annual/<str:personnel_no>/<int:year>.docx", views.annual_docx,
         name="annual_form_docx"),
    path("documents/record-book/<str:personnel_no>/<int:year>/", views.record_book_html,
         name="record_book_html"),
    path("documents/record-book/<str:personnel_no>/<int:year>.docx", views.record_book_docx,
         name="record_book_docx"),
    path("documents/quarter-results/<int:period_id>.xlsx", views.quarter_results_xlsx,
         name="quarter_results_xlsx"),
    path("documents/annual-results/<str:organ>/<int:year>.xlsx", views.annual_results_xlsx,
         name="annual_results_xlsx"),
    path("documents/bundle/<str:organ>/<int:year>/", views.forms_zip, name="forms_zip"),
]
