"""Web page routes."""

from django.urls import path

from huzhu.web import views

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
]
