"""The mutual-aid demo content loads through the real services and shows every state."""

from __future__ import annotations

import random

import pytest

from huzhu.aid.demo import demo_load
from huzhu.aid.models import AidRequest, HelpDispute, LedgerEntry
from huzhu.aid.rules import aid_rules_get
from tests.factories import join, make_group, make_user

pytestmark = pytest.mark.django_db


def test_demo_has_requests_in_every_state_and_a_zero_sum_ledger():
    groups = []
    for name in ("宝妈拼团互助群", "考研学习互助群", "上班族生活互助群"):
        group = make_group(make_user(), name=name)
        for _ in range(8):
            join(group)
        groups.append(group)
    demo_load(groups=groups, users=[], rng=random.Random(1))
    states = set(AidRequest.objects.values_list("kind", "status"))
    assert {
        ("groupbuy", "open"),
        ("groupbuy", "completed"),
        ("groupbuy", "failed"),
        ("groupbuy", "closed"),
        ("boost", "open"),
        ("boost", "completed"),
        ("question", "open"),
        ("question", "resolved"),
        ("question", "closed"),
    } <= states
    assert AidRequest.objects.count() == 13  # nothing refused by screening
    assert HelpDispute.objects.filter(status="open").count() == 1
    assert aid_rules_get(group=groups[0]).help_before_post == 1
    for group in groups:
        total = sum(LedgerEntry.objects.filter(group=group).values_list("amount", flat=True))
        assert total == 0
    assert not AidRequest.objects.filter(clean_link__contains="share_uin").exists()
