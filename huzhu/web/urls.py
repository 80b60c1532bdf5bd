"""Web page routes (app_name "web"). One block per views module; add yours as a new block."""

from django.urls import path

from huzhu.web.views import pages

app_name = "web"

urlpatterns = [
    # pages: landing and policy documents
    path("", pages.landing, name="landing"),
]
