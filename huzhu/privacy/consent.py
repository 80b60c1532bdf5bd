"""Re-consent: when the privacy policy or the terms get a new version, a signed-in user is sent
to the re-consent page before any other page.

The check costs one query per session and version: the session remembers the versions it saw
accepted. The API is not redirected (bots cannot read a page); the documents, the consent page,
log-out and the data-rights pages (export and deletion must stay reachable) are exempt.

API tokens act for a person who has not accepted the new versions either: ``api_consent_require``
(called by the token authentication) refuses such requests with 403 ``consent_required`` and tells
the person to accept on the web. Reading what is missing, export and deletion stay reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from huzhu.core.errors import Forbidden

if TYPE_CHECKING:
    from huzhu.accounts.models import User

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


# API calls a token may still make without current consent: see what is missing, and the data
# rights (export, deletion), which must never depend on accepting new terms.
API_EXEMPT = (
    ("GET", "/api/v1/privacy/consent"),
    ("GET", "/api/v1/privacy/exports/"),
    ("POST", "/api/v1/privacy/exports"),
    ("POST", "/api/v1/privacy/deletion"),
)


CONSENT_REQUIRED_EN = (
    "The privacy policy or the community rules have changed: sign in to the Huzhu website and "
    "accept them at “%(path)s”; your API token will then work again."
)


def api_consent_require(*, request: HttpRequest, user: User) -> None:
    """Refuse an API-token request of a user who has not accepted the current versions."""
    for method, prefix in API_EXEMPT:
        if request.method == method and request.path.startswith(prefix):
            return
    from huzhu.privacy.services import consent_missing

    missing = consent_missing(user=user)
    if missing:
        path = reverse("web:privacy_consent")
        message = _(
            "隐私政策或社区规则已更新：请登录互助网页，在“%(path)s”阅读并同意后，"
            "API 令牌即可继续使用。"
        ) % {"path": path}
        # Always in English too: whoever runs the bot may read either language.
        english = CONSENT_REQUIRED_EN % {"path": path}
        if message != english:
            message = f"{message} / {english}"
        raise Forbidden(
            message, code="consent_required", body={"consent_url": path, "missing": missing}
        )
