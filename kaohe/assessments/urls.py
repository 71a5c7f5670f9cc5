from django.urls import path

from kaohe.assessments import views

urlpatterns = [
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/summary/", views.summary, name="assessment_summary"),
    path("assessments/<int:pk>/return/", views.summary_return, name="assessment_return"),
    path("assessments/<int:pk>/propose/", views.propose, name="assessment_propose"),
    path("assessments/<int:pk>/preview/", views.proposal_preview, name="proposal_preview"),
    path("assessments/<int:pk>/approve/", views.approve, name="assessment_approve"),
    path("assessments/<int:pk>/send-back/", views.send_back, name="assessment_send_back"),
    path("assessments/<int:pk>/feedback/", views.feedback, name="assessment_feedback"),
    path("assessments/<int:pk>/acknowledge/", views.acknowledge, name="assessment_acknowledge"),
    path("assessments/<int:pk>/liaison/", views.liaison_ask, name="assessment_liaison"),
    path("periods/", views.periods, name="periods"),
    path("periods/open/", views.period_open, name="period_open"),
    path("periods/<int:period_id>/review/", views.review_screen, name="review_screen"),
    path("periods/<int:period_id>/approval/", views.approval_screen, name="approval_screen"),
    path("periods/<int:period_id>/quota/", views.quota_counter, name="quota_counter"),
    path("periods/<int:period_id>/published/", views.published, name="published"),
    path("periods/<int:period_id>/publish/", views.period_publish, name="period_publish"),
    path("periods/<int:period_id>/close/", views.period_close, name="period_close"),
    path("leave/", views.leave_record, name="leave_record"),
    path("liaison/", views.liaison_inbox, name="liaison_inbox"),
    path("liaison/<int:request_id>/answer/", views.liaison_answer, name="liaison_answer"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("assessments/<int:pk>/follow-up/", views.follow_up_add, name="follow_up_add"),
    path("follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("people/<str:personnel_no>/tasks/", views.task_add, name="task_add"),
]
