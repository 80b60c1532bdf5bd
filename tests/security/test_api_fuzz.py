"""API fuzzing: schemathesis generates requests from ``/api/v1/openapi.json`` and sends them to
the WSGI app in-process (no network), authenticated as an ordinary member with a token.

Every answer must be a non-5xx with a documented status, content type and body shape. Examples
are bounded per operation so the run stays near a minute (``HUZHU_FUZZ_EXAMPLES`` raises it).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
import schemathesis.schemas
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from huzhu.accounts.services import api_token_create
from tests.factories import join, make_group, make_user

EXAMPLES = int(os.environ.get("HUZHU_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection when a request finishes; its own test client turns
    that off, schemathesis's WSGI client does not — and the test's transaction lives on it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(db):
    owner = make_user("fuzz_owner", "群主")
    group = make_group(owner, name="模糊测试群")
    member = join(group, make_user("fuzz_member", "群友")).user
    return api_token_create(user=member, name="fuzz", scope="read_write")[1]


def _schema() -> schemathesis.schemas.BaseSchema:
    # The live document (what /api/v1/openapi.json serves), built without a request so that
    # collection needs no database; the requests themselves go to the WSGI app.
    from huzhu.api.v1 import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_fuzz(case, member_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {member_token}"}, checks=CHECKS)
