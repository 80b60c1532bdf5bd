"""The privacy matrix: every place that shows a member's profile, groups or ledger, against each
audience the member can choose and each viewer.

Cells: V the viewer sees it, H hidden (the page or answer is there, the data is not), N 404.
Viewers (columns, in this order): the member themselves, another member, an admin of the group
(its owner), someone outside the group. Each row sets only its aspect; the member opens the
other two aspects to the whole group, so a cell shows the effect of that one setting.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huzhu.groups.models import Membership
from huzhu.privacy.services import privacy_settings_update
from tests.api.conftest import ApiClient, token_for
from tests.factories import join, make_user

VIEWERS = ("self", "member", "admin", "outsider")

# surface              aspect   audience        self member admin outsider
MATRIX = """
api_balances           ledger   group_members   VVVN
api_balances           ledger   admins          VHVN
api_balances           ledger   nobody          VHHN
web_ledger_table       ledger   group_members   VVVN
web_ledger_table       ledger   admins          VHVN
web_ledger_table       ledger   nobody          VHHN
web_profile_balance    ledger   group_members   VVVN
web_profile_balance    ledger   admins          VHVN
web_profile_balance    ledger   nobody          VHHN
api_person_groups      ledger   group_members   VVVN
api_person_groups      ledger   admins          VHVN
api_person_groups      ledger   nobody          VHHN
api_person_groups      groups   group_members   VVVN
api_person_groups      groups   admins          VHVN
api_person_groups      groups   nobody          VHHN
web_person_groups      ledger   group_members   VVVN
web_person_groups      ledger   admins          VHVN
web_person_groups      ledger   nobody          VHHN
web_person_groups      groups   group_members   VVVN
web_person_groups      groups   admins          VHVN
web_person_groups      groups   nobody          VHHN
web_profile_groups     groups   group_members   VVVN
web_profile_groups     groups   admins          VHVN
web_profile_groups     groups   nobody          VHHN
web_profile_details    profile  group_members   VVVN
web_profile_details    profile  admins          VHVN
web_profile_details    profile  nobody          VHHN
"""


def _rows() -> list[tuple[str, str, str, str]]:
    out = []
    for line in MATRIX.strip().splitlines():
        surface, aspect, audience, cells = line.split()
        assert len(cells) == len(VIEWERS), line
        out.append((surface, aspect, audience, cells))
    return out


@pytest.fixture(autouse=True)
def _screening_allows(monkeypatch):
    from huzhu.aid.services import Screened

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: Screened(
            action="allow", text=text, reason="", clean_links=[]
        ),
    )


@pytest.fixture
def world(group, owner, outsider):
    """Bob helped Alice's group-buy, so both have a balance in the group."""
    from huzhu.aid.services import aid_request_post, help_give
    from tests.aid.conftest import pdd_share

    alice = join(group, make_user("alice", "阿丽")).user
    bob = join(group, make_user("bob", "小博")).user
    Membership.objects.filter(group=group).update(joined_at=timezone.now() - timedelta(days=30))
    request = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    help_give(actor=bob, request_id=request.pk)
    return {
        "group": group,
        "bob": bob,
        "self": bob,
        "member": alice,
        "admin": owner,
        "outsider": outsider,
    }


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _look(surface: str, viewer, world) -> str:
    """V / H / N for one viewer looking at Bob's data on one surface."""
    group, bob = world["group"], world["bob"]
    if surface.startswith("api_"):
        api = ApiClient(token_for(viewer))
        if surface == "api_balances":
            r = api.get(f"/aid/groups/{group.pk}/balances")
            if r.status_code == 404:
                return "N"
            return "V" if bob.pk in {row["user_id"] for row in r.json()} else "H"
        r = api.get(f"/aid/users/{bob.pk}/profile")
        if r.status_code == 404:
            return "N"
        return "V" if [g["group_id"] for g in r.json()["groups"]] == [group.pk] else "H"
    web = _web(viewer)
    url = {
        "web_ledger_table": f"/groups/{group.pk}/aid/ledger/",
        "web_person_groups": f"/people/{bob.pk}/aid/",
    }.get(surface, f"/groups/{group.pk}/members/{bob.pk}/profile/")
    r = web.get(url)
    if r.status_code == 404:
        return "N"
    assert r.status_code == 200, (surface, r.status_code)
    html = r.content.decode()
    seen = {
        "web_ledger_table": 'data-member="小博"' in html,
        "web_person_groups": f'data-group="{group.name}"' in html,
        "web_profile_balance": 'data-testid="balance"' in html,
        "web_profile_groups": "共同的群：" in html,
        "web_profile_details": 'data-testid="profile-hidden"' not in html,
    }[surface]
    return "V" if seen else "H"


@pytest.mark.django_db
def test_privacy_settings_hold_on_every_surface(world):
    problems = []
    for surface, aspect, audience, cells in _rows():
        others = {a: "group_members" for a in ("profile", "groups", "ledger") if a != aspect}
        privacy_settings_update(
            user=world["bob"],
            **{f"{a}_visibility": v for a, v in others.items()},
            **{f"{aspect}_visibility": audience},
        )
        for viewer_role, want in zip(VIEWERS, cells, strict=True):
            got = _look(surface, world[viewer_role], world)
            if got != want:
                problems.append(
                    f"{surface} {aspect}={audience} as {viewer_role}: want {want}, got {got}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_defaults_keep_ledger_and_groups_private(world):
    """Without any setting: the ledger is for admins, the groups for nobody."""
    alice, bob, owner = world["member"], world["bob"], world["admin"]
    group = world["group"]
    assert _look("api_balances", alice, world) == "H"
    assert _look("api_balances", owner, world) == "V"
    assert _look("web_person_groups", owner, world) == "H"  # groups: nobody
    page = _web(alice).get(f"/people/{bob.pk}/aid/").content.decode()
    assert "这位群友没有公开在各群的帮助与受助。" in page
    # Alice's own line is always there.
    mine = ApiClient(token_for(alice)).get(f"/aid/groups/{group.pk}/balances").json()
    assert [row["user_id"] for row in mine] == [alice.pk]
