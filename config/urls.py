"""URL routes: web pages, the JSON API v1 and language switching."""

from django.urls import include, path, re_path

from huzhu.api.v1 import api
from huzhu.api.views import api_not_found

urlpatterns = [
    path("api/v1/", api.urls),
    # Any other path under /api/ answers a JSON 404; add API routes above this line.
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("huzhu.web.urls")),
]
