from django.urls import path, re_path

from kaohe.recipients import views

LINK = r"(?P<token>[A-Za-z0-9_-]{1,32})"

urlpatterns = [
    # The public's pages, without an account (decision 0030).
    re_path(rf"^r/{LINK}/$", views.opinion, name="recipient_opinion"),
    re_path(rf"^r/{LINK}/thanks/$", views.thanks, name="recipient_thanks"),
    path("reports/organs/<str:code>/recipients/", views.links, name="recipient_links"),
    path("reports/organs/<str:code>/recipients/<int:link_id>/card/", views.card,
         name="recipient_link_card"),
    path("reports/organs/<str:code>/recipients/<int:link_id>/deactivate/", views.deactivate,
         name="recipient_link_deactivate"),
]
