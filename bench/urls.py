from django.http import HttpRequest, HttpResponse
from django.urls import path

from kaohe.urls import urlpatterns as kaohe_urls


def bare(request: HttpRequest) -> HttpResponse:
    """A constant through the same server and middleware: the ceiling for the real pages."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *kaohe_urls]
