"""Public pages: the landing page and the documents a user consents to at sign-up."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:my_groups")
    return render(request, "web/landing.html")


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html", {"version": settings.PRIVACY_POLICY_VERSION})


def community_rules(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/community_rules.html", {"version": settings.COMMUNITY_RULES_VERSION}
    )
