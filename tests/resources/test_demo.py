"""The resource demo content loads through the real services and is searchable."""

from __future__ import annotations

import random

from huzhu.resources.demo import demo_load
from huzhu.resources.models import Resource
from huzhu.search.query import search
from tests.factories import join, make_group, make_user


def test_demo_load_shares_confirms_reshares_and_indexes(db):
    owner = make_user("demo_owner", "群主")
    groups = [
        make_group(owner, name=n) for n in ("宝妈拼团互助群", "考研学习互助群", "上班族生活互助群")
    ]
    users = [owner]
    for n in range(9):
        user = make_user(f"demo{n}", f"群友{n}")
        users.append(user)
        for group in groups if n < 3 else [groups[n % 3]]:
            join(group, user)
    demo_load(groups=groups, users=users, rng=random.Random(1))
    assert Resource.objects.filter(kind="deal").count() >= 6
    assert Resource.objects.filter(status="expired").count() == 1
    assert Resource.objects.exclude(original_author=None).count() == 1
    assert Resource.objects.filter(reported_price__isnull=False).exists()
    hits = search(user=users[1], query="纸巾").hits
    assert hits and hits[0].doc.kind == "resource"
