"""An API call with a token looks the token up once: the rate limiter and the API's authentication
share the answer, and the same query says whether its user has accepted the current documents."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huzhu.accounts.models import Consent
from huzhu.privacy.services import current_versions
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate_limited(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.API_RATE_PER_USER_MINUTE = 3
    cache.clear()
    yield
    cache.clear()


def _token_queries(api: ApiClient, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    sqls = [q["sql"] for q in ctx.captured_queries]
    return response.status_code, sqls


def test_token_is_looked_up_once_per_request_with_rate_limits_on(rate_limited, owner):
    api = ApiClient(token_for(owner))
    api.get("/me")  # first use records last_used_at; keep that write out of the count
    status, sqls = _token_queries(api, "/me")
    assert status == 200
    lookups = [s for s in sqls if 'FROM "accounts_apitoken"' in s]
    assert len(lookups) == 1, sqls
    # The consent check rode along in the same query.
    assert not [s for s in sqls if s.startswith('SELECT "accounts_consent"')], sqls
    assert len(sqls) == 1, sqls


def test_rate_limit_still_counts_token_calls_against_the_user(rate_limited, owner):
    # Two tokens of the same user share the user's budget: the limiter knows whose token it is.
    first, second = ApiClient(token_for(owner)), ApiClient(token_for(owner))
    assert first.get("/me").status_code == 200
    assert second.get("/me").status_code == 200
    assert first.get("/me").status_code == 200
    response = second.get("/me")
    assert error(response) == (429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_consent_withdrawn_by_a_new_version_is_refused_in_the_same_lookup(owner, settings):
    api = ApiClient(token_for(owner))
    assert api.get("/me").status_code == 200
    settings.PRIVACY_POLICY_VERSION = "2099-01"
    assert error(api.post("/groups", {"name": "新群"})) == (403, "consent_required")
    # Accepting the new version lets the same token work again at once.
    Consent.objects.create(
        user=owner, kind="privacy_policy", version=current_versions()["privacy_policy"]
    )
    assert api.get("/me").status_code == 200


def test_a_bad_token_still_falls_back_to_the_per_ip_limit(rate_limited, settings):
    settings.API_RATE_ANON_PER_IP_MINUTE = 2
    api = ApiClient("hz_nothere_secret")
    assert error(api.get("/me")) == (401, "not_authenticated")
    assert error(api.get("/me")) == (401, "not_authenticated")
    assert error(api.get("/me")) == (429, "rate_limited")
