"""For someone outside a group, every group-scoped endpoint answers exactly as it would for a group
that does not exist: same status, same body. Nothing confirms that an id is a real group."""

from __future__ import annotations

import pytest

from huzhu.groups.services import invite_create

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/groups/{gid}", None),
    ("patch", "/groups/{gid}", {"name": "改名"}),
    ("post", "/groups/{gid}/leave", None),
    ("post", "/groups/{gid}/transfer-ownership", {"user_id": "{uid}"}),
    ("get", "/groups/{gid}/members", None),
    ("patch", "/groups/{gid}/members/{uid}", {"role": "admin"}),
    ("delete", "/groups/{gid}/members/{uid}", None),
    ("get", "/groups/{gid}/invites", None),
    ("post", "/groups/{gid}/invites", {"max_uses": 1}),
    ("delete", "/groups/{gid}/invites/{iid}", None),
]


@pytest.mark.parametrize(("method", "template", "body"), ENDPOINTS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_outsider_cannot_tell_a_real_group_from_a_missing_one(
    as_user, owner, group, member, outsider, method, template, body, language
):
    invite = invite_create(actor=owner, group=group)
    api = as_user(outsider, language=language)

    def call(gid):
        path = template.format(gid=gid, uid=member.pk, iid=invite.pk)
        payload = body and {k: (member.pk if v == "{uid}" else v) for k, v in body.items()}
        return api.request(method, path, payload) if method != "get" else api.get(path)

    real, missing = call(group.pk), call(group.pk + 10_000)
    assert real.status_code == missing.status_code == 404
    assert real.content == missing.content
    assert group.name not in real.content.decode()
