"""Re-consent: when the privacy policy or the terms get a new version, a signed-in user is sent
to the re-consent page before any other page.

The check costs one query per session and version: the session remembers the versions it saw
accepted. The API is not redirected (bots cannot read a page); the documents, the consent page,
log-out and the data-rights pages (export and deletion must stay reachable) are exempt.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SESSION_KEY = "huzhu_consent_ok"
EXEMPT_PREFIXES = (
    "/api/",
    "/static/",
    "/ws/",
    "/i18n/",
    "/privacy/",
    "/community-rules/",
    "/logout/",
    "/account/consent/",
    "/account/data/",
)


def _versions_key() -> str:
    from huzhu.privacy.services import current_versions

    return "|".join(f"{k}={v}" for k, v in sorted(current_versions().items()))


class ConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._check(request)
        return redirect or self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        key = _versions_key()
        if request.session.get(SESSION_KEY) == key:
            return None
        from huzhu.privacy.services import consent_missing

        if not consent_missing(user=user):
            request.session[SESSION_KEY] = key
            return None
        url = reverse("web:privacy_consent") + "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
