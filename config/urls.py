"""URL routes: web pages, the JSON API v1 and language switching."""

from django.urls import include, path

from huzhu.api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("huzhu.web.urls")),
]
