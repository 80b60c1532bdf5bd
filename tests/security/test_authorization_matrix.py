"""The authorization matrix: every API operation and every page against every role.

Roles (columns, in this order): anonymous, non-member, member, muted member, admin, owner,
banned, staff. Outcomes: A allowed (any answer that is not 401/403/404 and not 5xx: the request
got past access control, even if a business rule then refused it), U 401, F 403, N 404,
L redirect to the login page, M 405 (a POST-only page fetched with GET).

Operations are enumerated from the live OpenAPI schema and pages from the URL resolver, so a new
endpoint or page without a row here fails the test. A second walk repeats every operation with
the ids of objects in a group none of the roles belongs to: every answer must be the 404 (or 401)
that a missing id gets, byte for byte, so ids of other groups leak nothing.
"""

from __future__ import annotations

import os
import re

import pytest
from django.test import Client

from tests.chat.fakes import FakeScreen
from tests.security.walk import (
    api_outcome,
    build_request,
    call,
    operations,
    page_outcome,
    page_patterns,
    page_url,
)
from tests.security.world import ROLES, build_world

# method path                                   anonymous nonmember member muted admin owner banned staff
#                                                (one letter per role, in that order)
API = """
GET /api/v1/me                                                      UAAAAAAA
GET /api/v1/me/tokens                                               UAAAAAAA
POST /api/v1/me/tokens                                              UFFFFFFF
DELETE /api/v1/me/tokens/{token_id}                                 UNNNNNNN
GET /api/v1/groups                                                  UAAAAAAA
POST /api/v1/groups                                                 UAAAAAAA
GET /api/v1/groups/{group_id}                                       UNAAAANN
PATCH /api/v1/groups/{group_id}                                     UNFFAANN
POST /api/v1/groups/{group_id}/leave                                UNAAAANN
POST /api/v1/groups/{group_id}/transfer-ownership                   UNFFFANN
GET /api/v1/groups/{group_id}/members                               UNAAAANN
PATCH /api/v1/groups/{group_id}/members/{user_id}                   UNFFFANN
DELETE /api/v1/groups/{group_id}/members/{user_id}                  UNFFAANN
GET /api/v1/groups/{group_id}/invites                               UNFFAANN
POST /api/v1/groups/{group_id}/invites                              UNFFAANN
DELETE /api/v1/groups/{group_id}/invites/{invite_id}                UNFFAANN
GET /api/v1/invites/{code}                                          UAAAAAAA
POST /api/v1/invites/{code}/join                                    UAAAAAFA
POST /api/v1/chat/groups/{group_id}/messages                        UNAFAANN
GET /api/v1/chat/groups/{group_id}/messages                         UNAAAANN
GET /api/v1/chat/groups/{group_id}/history                          UNAAAANN
GET /api/v1/chat/groups/{group_id}/state                            UNAAAANN
PUT /api/v1/chat/groups/{group_id}/settings                         UNFFFANN
PATCH /api/v1/chat/messages/{message_id}                            UNFFFFNN
DELETE /api/v1/chat/messages/{message_id}                           UNFFAANN
POST /api/v1/aid/parse                                              UAAAAAAA
GET /api/v1/aid/groups/{group_id}/requests                          UNAAAANN
POST /api/v1/aid/groups/{group_id}/requests                         UNAFAANN
GET /api/v1/aid/requests/{request_id}                               UNAAAANN
PATCH /api/v1/aid/requests/{request_id}                             UNFFFFNN
GET /api/v1/aid/requests/{request_id}/revisions                     UNFFAANN
POST /api/v1/aid/requests/{request_id}/helps                        UNAFAANN
POST /api/v1/aid/requests/{request_id}/answers                      UNAFAANN
POST /api/v1/aid/answers/{answer_id}/accept                         UNNNNNNN
POST /api/v1/aid/requests/{request_id}/thank                        UNNNNNNN
POST /api/v1/aid/requests/{request_id}/close                        UNNNAANN
POST /api/v1/aid/requests/{request_id}/moderate                     UNFFAANN
POST /api/v1/aid/helps/{help_id}/dispute                            UNNNNNNN
GET /api/v1/aid/groups/{group_id}/disputes                          UNAAAANN
POST /api/v1/aid/disputes/{dispute_id}/resolve                      UNFFAANN
GET /api/v1/aid/groups/{group_id}/queue                             UNAAAANN
GET /api/v1/aid/groups/{group_id}/balances                          UNAAAANN
GET /api/v1/aid/groups/{group_id}/ledger/me                         UNAAAANN
GET /api/v1/aid/profile                                             UAAAAAAA
GET /api/v1/aid/users/{user_id}/profile                             UNAAAANN
GET /api/v1/aid/groups/{group_id}/rules                             UNAAAANN
PATCH /api/v1/aid/groups/{group_id}/rules                           UNFFFANN
POST /api/v1/moderation/reports                                     UNAAAANN
GET /api/v1/moderation/me/reports                                   UAAAAAAA
GET /api/v1/moderation/groups/{group_id}/queue                      UNFFAANA
GET /api/v1/moderation/queue                                        UFFFFFFA
GET /api/v1/moderation/items/{item_id}                              UNFFAANA
POST /api/v1/moderation/items/{item_id}/claim                       UNFFAANA
POST /api/v1/moderation/items/{item_id}/resolve                     UNFFAANA
POST /api/v1/moderation/groups/{group_id}/sanctions                 UNFFAANN
GET /api/v1/moderation/groups/{group_id}/sanctions                  UNFFAANN
GET /api/v1/moderation/me/sanctions                                 UAAAAAAA
POST /api/v1/moderation/sanctions/{sanction_id}/appeal              UNNANNNN
GET /api/v1/moderation/groups/{group_id}/appeals                    UNFFAANN
POST /api/v1/moderation/appeals/{appeal_id}/decide                  UNFFAFNA
POST /api/v1/moderation/platform-bans                               UFFFFFFA
GET /api/v1/moderation/groups/{group_id}/standing                   UNAAAANN
GET /api/v1/moderation/groups/{group_id}/settings                   UNAAAANN
PATCH /api/v1/moderation/groups/{group_id}/settings                 UNFFFANN
GET /api/v1/moderation/notes                                        UNAAAANN
POST /api/v1/moderation/notes                                       UNFFAANN
POST /api/v1/moderation/notes/{note_id}/rate                        UNNNNNNN
GET /api/v1/moderation/groups/{group_id}/members/{user_id}/notes    UNFFAANN
POST /api/v1/moderation/groups/{group_id}/members/{user_id}/notes   UNFFAANN
GET /api/v1/moderation/groups/{group_id}/ban-lists                  UNFFFANN
POST /api/v1/moderation/groups/{group_id}/ban-lists                 UNFFFANN
POST /api/v1/moderation/groups/{group_id}/ban-lists/join            UNFFFNNN
DELETE /api/v1/moderation/groups/{group_id}/ban-lists/{ban_list_id} UNFFFANN
GET /api/v1/notifications                                           UAAAAAAA
GET /api/v1/notifications/unread                                    UAAAAAAA
POST /api/v1/notifications/{notification_id}/read                   UNNNNNNN
POST /api/v1/notifications/read-all                                 UAAAAAAA
GET /api/v1/resources/groups/{group_id}                             UNAAAANN
POST /api/v1/resources/groups/{group_id}                            UNAFAANN
GET /api/v1/resources/{resource_id}                                 UNAAAANN
PATCH /api/v1/resources/{resource_id}                               UNFFFFNN
DELETE /api/v1/resources/{resource_id}                              UNFFAANN
POST /api/v1/resources/{resource_id}/confirm                        UNAAAANN
POST /api/v1/resources/{resource_id}/reshare                        UNAAAANN
GET /api/v1/resources/{resource_id}/share-text                      UNAAAANN
GET /api/v1/resources/{resource_id}/qr.png                          UNAAAANN
GET /api/v1/resources/savings/me                                    UAAAAAAA
GET /api/v1/resources/groups/{group_id}/savings                     UNAAAANN
GET /api/v1/search                                                  UAAAAAAA
POST /api/v1/screen                                                 UAAAAAAA
GET /api/v1/privacy/settings                                        UAAAAAAA
PATCH /api/v1/privacy/settings                                      UAAAAAAA
GET /api/v1/privacy/phone                                           UAAAAAAA
PUT /api/v1/privacy/phone                                           UAAAAAAA
POST /api/v1/privacy/phone/reveal                                   UFFFFFFF
GET /api/v1/privacy/addresses                                       UAAAAAAA
POST /api/v1/privacy/groupbuys/{request_id}/address                 UNAAAANN
POST /api/v1/privacy/addresses/{address_id}/reveal                  UNNNNNNN
DELETE /api/v1/privacy/addresses/{address_id}                       UNNNNNNN
PUT /api/v1/privacy/groups/{group_id}/alias                         UNAAAANN
GET /api/v1/privacy/contacts                                        UAAAAAAA
POST /api/v1/privacy/groups/{group_id}/contacts                     UNAAAANN
POST /api/v1/privacy/contacts/{contact_id}/answer                   UNANNNNN
GET /api/v1/privacy/consent                                         UAAAAAAA
POST /api/v1/privacy/consent                                        UAAAAAAA
POST /api/v1/privacy/exports                                        UAAAAAAA
GET /api/v1/privacy/exports/{job_id}                                UNNNNNNN
GET /api/v1/privacy/exports/{job_id}/download                       UNNNNNNN
POST /api/v1/privacy/deletion                                       UFFFFFFF
GET /api/v1/privacy/staff/deletions                                 UFFFFFFA
POST /api/v1/privacy/staff/deletions/{user_id}/restore             UFFFFFFN
GET /api/v1/wellbeing/usage                                         UAAAAAAA
GET /api/v1/wellbeing/settings                                      UAAAAAAA
PUT /api/v1/wellbeing/settings                                      UAAAAAAA
POST /api/v1/wellbeing/heartbeat                                    UAAAAAAA
POST /api/v1/wellbeing/lock                                         UAAAAAAA
GET /api/v1/wellbeing/reports/{week_start}                          UNNNNNNN
GET /api/v1/wellbeing/digests/{digest_id}                           UNNNNNNN
GET /api/v1/wellbeing/export                                        UAAAAAAA
GET /api/v1/wellbeing/groups/{group_id}/quiet-hours                 UNAAAANN
PUT /api/v1/wellbeing/groups/{group_id}/quiet-hours                 UNFFFANN
GET /api/v1/wellbeing/groups/{group_id}/figures                     UNFFFANN
"""

# GET of every page; POST-only pages answer M (their access is walked through the API rows).
PAGES = """
GET /                                                                           AAAAAAAA
GET /privacy/                                                                   AAAAAAAA
GET /community-rules/                                                           AAAAAAAA
GET /signup/                                                                    AAAAAAAA
GET /login/                                                                     AAAAAAAA
GET /logout/                                                                    MMMMMMMM
GET /account/password/                                                          LAAAAAAA
GET /groups/                                                                    LAAAAAAA
GET /groups/<int:group_id>/                                                     LNAAAANN
GET /groups/<int:group_id>/settings/                                            LNFFAANN
GET /groups/<int:group_id>/audit/                                               LNFFAANN
GET /groups/<int:group_id>/leave/                                               LMMMMMMM
GET /groups/<int:group_id>/invites/                                             LMMMMMMM
GET /groups/<int:group_id>/invites/<int:invite_id>/revoke/                      LMMMMMMM
GET /groups/<int:group_id>/members/<int:user_id>/role/                          LMMMMMMM
GET /groups/<int:group_id>/members/<int:user_id>/remove/                        LMMMMMMM
GET /groups/<int:group_id>/members/<int:user_id>/transfer/                      LMMMMMMM
GET /join/                                                                      AAAAAAAA
GET /join/<str:code>/                                                           AAAAAAAA
GET /tokens/                                                                    LAAAAAAA
GET /tokens/<int:token_id>/revoke/                                              LMMMMMMM
GET /groups/<int:group_id>/chat/                                                LNAAAANN
GET /groups/<int:group_id>/chat/share/                                          LMMMMMMM
GET /groups/<int:group_id>/aid/                                                 LNAAAANN
GET /groups/<int:group_id>/aid/new/                                             LNAAAANN
GET /groups/<int:group_id>/aid/preview/                                         LMMMMMMM
GET /groups/<int:group_id>/aid/queue/                                           LNAAAANN
GET /groups/<int:group_id>/aid/ledger/                                          LNAAAANN
GET /groups/<int:group_id>/aid/rules/                                           LNAAAANN
GET /groups/<int:group_id>/aid/disputes/                                        LNAAAANN
GET /groups/<int:group_id>/aid/<int:request_id>/                                LNAAAANN
GET /groups/<int:group_id>/aid/<int:request_id>/edit/                           LNFFFFNN
GET /groups/<int:group_id>/aid/<int:request_id>/help/                           LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/answer/                         LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/answers/<int:answer_id>/accept/ LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/thank/<int:user_id>/            LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/close/                          LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/moderate/                       LMMMMMMM
GET /groups/<int:group_id>/aid/<int:request_id>/helps/<int:help_id>/dispute/    LMMMMMMM
GET /notifications/                                                             LAAAAAAA
GET /people/<int:user_id>/aid/                                                  LNAAAANN
GET /notifications/read/                                                        LMMMMMMM
GET /report/<str:target_type>/<int:target_id>/                                  LNNNNNNN
GET /groups/<int:group_id>/members/<int:user_id>/report/                        LNAAAANN
GET /groups/<int:group_id>/moderation/                                          LNFFAANA
GET /groups/<int:group_id>/moderation/settings/                                 LNFFAANA
GET /groups/<int:group_id>/moderation/members/<int:user_id>/                    LNFFAANA
GET /groups/<int:group_id>/moderation/appeals/                                  LNFFAANA
GET /groups/<int:group_id>/moderation/appeals/<int:appeal_id>/                  LNFFAANA
GET /moderation/items/<int:item_id>/claim/                                      LMMMMMMM
GET /moderation/items/<int:item_id>/resolve/                                    LMMMMMMM
GET /moderation/                                                                LFFFFFFA
GET /me/sanctions/                                                              LAAAAAAA
GET /me/sanctions/<int:sanction_id>/appeal/                                     LMMMMMMM
GET /groups/<int:group_id>/standing/                                            LNAAAANN
GET /notes/<str:target_type>/<int:target_id>/                                   LNNNNNNN
GET /notes/<int:note_id>/rate/                                                  LMMMMMMM
GET /groups/<int:group_id>/resources/                                           LNAAAANN
GET /groups/<int:group_id>/resources/share/                                     LNAAAANN
GET /groups/<int:group_id>/similar/                                             LNAAAANN
GET /resources/<int:resource_id>/                                               LNAAAANN
GET /resources/<int:resource_id>/edit/                                          LNAAAANN
GET /resources/<int:resource_id>/delete/                                        LMMMMMMM
GET /resources/<int:resource_id>/confirm/                                       LMMMMMMM
GET /resources/<int:resource_id>/reshare/                                       LMMMMMMM
GET /resources/<int:resource_id>/qr.png                                         LNAAAANN
GET /search/                                                                    LAAAAAAA
GET /me/savings/                                                                LAAAAAAA
GET /me/                                                                        LAAAAAAA
GET /me/wellbeing/                                                              LAAAAAAA
GET /me/wellbeing/limits/                                                       LAAAAAAA
GET /me/wellbeing/lock/                                                         LMMMMMMM
GET /me/wellbeing/rest/                                                         LAAAAAAA
GET /me/wellbeing/beat/                                                         LMMMMMMM
GET /me/wellbeing/nudge/                                                        LAAAAAAA
GET /me/wellbeing/reports/                                                      LAAAAAAA
GET /me/wellbeing/reports/<str:week>/                                           LNNNNNNN
GET /me/wellbeing/digests/<int:digest_id>/                                      LNNNNNNN
GET /groups/<int:group_id>/wellbeing/                                           LNFFFANN
GET /account/privacy/                                                           LAAAAAAA
GET /account/privacy/phone/                                                     LMMMMMMM
GET /account/privacy/phone/reveal/                                              LMMMMMMM
GET /account/addresses/                                                         LAAAAAAA
GET /account/addresses/<int:address_id>/withdraw/                               LMMMMMMM
GET /account/addresses/share/<int:request_id>/                                  LNAAAANN
GET /account/contacts/                                                          LAAAAAAA
GET /account/consent/                                                           LAAAAAAA
GET /account/data/                                                              LAAAAAAA
GET /account/data/export/                                                       LMMMMMMM
GET /account/data/exports/<int:job_id>/                                         LNNNNNNN
GET /account/data/exports/<int:job_id>/download/                                LNNNNNNN
GET /account/data/name/                                                         LMMMMMMM
GET /account/data/delete/                                                       LMMMMMMM
GET /account/restore/                                                           MMMMMMMM
GET /staff/deletions/                                                           LFFFFFFA
GET /staff/deletions/<int:user_id>/cancel/                                      LMMMMMMM
GET /groups/<int:group_id>/alias/                                               LMMMMMMM
GET /groups/<int:group_id>/members/<int:user_id>/profile/                       LNAAAANN
"""

# A <script type="application/json"> (json_script) is data the CSP does not execute: allowed.
CSP_VIOLATIONS = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+=",
    re.I,
)


def _table(text: str) -> dict[str, str]:
    rows = {}
    for line in text.strip().splitlines():
        key, _sep, cells = line.rpartition(" ")
        assert len(cells) == len(ROLES), line
        rows[key.strip()] = cells
    return rows


@pytest.fixture(autouse=True)
def _screening_allows(monkeypatch):
    from huzhu.aid.services import Screened

    monkeypatch.setattr("huzhu.chat.services._screen", FakeScreen())
    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: Screened(
            action="allow", text=text, reason="", clean_links=[]
        ),
    )


def _clients(world, role):
    api_headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "anonymous" else {}
    web = Client(raise_request_exception=False)
    if world.users[role] is not None:
        web.force_login(world.users[role])
    return Client(raise_request_exception=False), api_headers, web


LEAK_ROLES = ("nonmember", "member", "owner", "staff")
# Operations allowed to answer differently for another group's id and a missing id (none:
# the aid existence oracles found here earlier are fixed).
KNOWN_ORACLES: set[str] = set()


# Request bodies name objects by the world's real ids (see walk.sample), like paths do.
@pytest.mark.django_db(transaction=True)
def test_authorization_matrix():
    """One world (every request runs in a savepoint that is rolled back), walked by each role."""
    world = build_world()
    problems: list[str] = []
    for role in ROLES:
        problems += _walk(world, role)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _walk(world, role) -> list[str]:
    column = ROLES.index(role)
    api_client, headers, web = _clients(world, role)
    printing = os.environ.get("MATRIX_PRINT")
    api_table, page_table = (
        _table(API) if API.strip() else {},
        _table(PAGES) if PAGES.strip() else {},
    )
    problems: list[str] = []
    observed: list[str] = []

    for method, path, op in operations():
        key = f"{method} {path}"
        url, query, body = build_request(method, path, op, world.ids_a)
        response = call(api_client, method, url, query, body, headers)
        got = api_outcome(response.status_code)
        observed.append(f"{key} {got}")
        if printing:
            continue
        if key not in api_table:
            problems.append(f"no row for {key}")
            continue
        want = api_table[key][column]
        if got != want:
            problems.append(
                f"{key} as {role}: want {want}, got {got} ({response.status_code} {response.content[:200]!r})"
            )
        # Ids of another group: the same answer as a missing id.
        # Staff are platform moderators: where they may act in group A (cell A), they may in B too.
        platform_reach = role == "staff" and want == "A"
        if role in LEAK_ROLES and key not in KNOWN_ORACLES and not platform_reach:
            # Another group's ids, in the path, the query or the body.
            url_b, query_b, body_b = build_request(method, path, op, world.ids_b)
            if (url_b, query_b, body_b) != (url, query, body):
                missing_ids = {k: 999999999 for k in world.ids_b if k.endswith("_id")} | {
                    "code": "ZZZZZZZZ",
                    "week_start": world.ids_b["week_start"],
                }
                url_x, query_x, body_x = build_request(method, path, op, missing_ids)
                got_b = call(api_client, method, url_b, query_b, body_b, headers)
                got_x = call(api_client, method, url_x, query_x, body_x, headers)
                if "{code}" in path:
                    pass  # an invite code is a capability: whoever holds it may look it up
                elif (got_b.status_code, got_b.content) != (
                    got_x.status_code,
                    got_x.content,
                ) and got_b.status_code in (401, 403, 404):
                    problems.append(
                        f"{key} as {role}: other group's id answers {got_b.status_code} {got_b.content[:120]!r}, a missing id {got_x.status_code} {got_x.content[:120]!r}"
                    )
                elif got_b.status_code not in (401, 403, 404, 422):
                    problems.append(
                        f"{key} as {role}: other group's id let through ({got_b.status_code})"
                    )

    for _name, route in page_patterns():
        url = page_url(route, world.ids_a)
        response = call(web, "GET", url, {}, None, {})
        got = page_outcome(response)
        key = f"GET /{route}"
        observed.append(f"{key} {got}")
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            bad = CSP_VIOLATIONS.findall(response.content.decode())
            if bad:
                problems.append(f"{key} as {role}: inline script/style breaks the CSP: {bad[:3]}")
        if printing:
            continue
        if key not in page_table:
            problems.append(f"no row for page {key}")
            continue
        want = page_table[key][column]
        if got != want:
            problems.append(f"{key} as {role}: want {want}, got {got} ({response.status_code})")
        if "<int:" in route and role in LEAK_ROLES and not (role == "staff" and want == "A"):
            url_b = page_url(route, world.ids_b)
            got_b = call(web, "GET", url_b, {}, None, {})
            if got_b.status_code not in (302, 403, 404, 405):
                problems.append(f"page {url_b} (other group) as {role}: {got_b.status_code}")

    if printing:
        with open(f"/tmp/matrix_{role}.txt", "w") as fh:
            fh.write("\n".join(observed))
    return problems
