from django.urls import path

from kaohe.ballots import views

urlpatterns = [
    path("reports/organs/<str:code>/ballots/", views.ballot_list, name="ballot_list"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/weights/", views.ballot_weights, name="ballot_weights"),
    path("ballots/<int:pk>/pairings/add/", views.pairing_add, name="ballot_pairing_add"),
    path("ballots/<int:pk>/pairings/remove/", views.pairing_remove,
         name="ballot_pairing_remove"),
    path("ballots/<int:pk>/close/", views.ballot_close, name="ballot_close"),
    path("ballots/<int:pk>/paper/", views.paper_ballot, name="ballot_paper"),
    path("ballots/<int:pk>/vote/", views.ballot_vote, name="ballot_vote"),
]
