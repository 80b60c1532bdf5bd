"""Correctness under concurrency: the last group-buy slot, double taps, a zero-sum ledger.

On PostgreSQL the operations really run at the same time in threads (each with its own database
connection) and meet at a barrier first. SQLite serialises writers at the database level, so there
the same operations run one after another in a random order: the rules under test (one winner,
one help per helper, zero-sum ledger, counts that match the rows) are checked either way.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count, Q, Sum

from huzhu.aid.models import AidRequest, AidStatus, Help, HelpStatus, LedgerEntry
from huzhu.aid.services import aid_request_post, answer_accept, answer_post, help_give
from huzhu.core.errors import HuzhuError
from tests.aid.conftest import pdd_share
from tests.concurrency import run_together
from tests.factories import join, make_group, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_take_the_last_slot_exactly_one_wins(group):
    a, b, c, d = (join(group).user for _ in range(4))
    for round_ in range(5):
        req = aid_request_post(
            actor=a, group=group, kind="groupbuy", text=pdd_share(1000 + round_), size=3
        )
        help_give(actor=b, request_id=req.pk)  # one slot left
        results = run_together(
            [
                lambda req=req: help_give(actor=c, request_id=req.pk),
                lambda req=req: help_give(actor=d, request_id=req.pk),
            ]
        )
        wins = [r for r in results if isinstance(r, Help)]
        losses = [r for r in results if isinstance(r, HuzhuError)]
        assert len(wins) == 1, results
        assert len(losses) == 1 and losses[0].code == "groupbuy_full"
        assert "满员" in str(losses[0])
        req.refresh_from_db()
        assert req.status == AidStatus.COMPLETED and req.helps_count == 2
        assert Help.objects.filter(request=req).count() == 2


def test_double_tap_records_one_help(group):
    a, b = join(group).user, join(group).user
    req = aid_request_post(actor=a, group=group, kind="groupbuy", text=pdd_share(), size=5)
    results = run_together(
        [lambda: help_give(actor=b, request_id=req.pk, idempotency_key="tap")] * 4
    )
    assert all(isinstance(r, Help) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Help.objects.filter(request=req).count() == 1
    assert LedgerEntry.objects.filter(request=req).count() == 2


def test_randomized_concurrent_operations_keep_the_ledger_zero_sum():
    rng = random.Random(20261125)
    groups = []
    for g in range(2):
        owner = make_user()
        group = make_group(owner, name=f"并发测试群{g}")
        members = [owner] + [join(group).user for _ in range(7)]
        groups.append((group, members))

    requests: list[tuple[Any, list[Any], AidRequest]] = []
    for group, members in groups:
        for i in range(6):
            requester = rng.choice(members)
            kind = rng.choice(["groupbuy", "boost", "question"])
            if kind == "question":
                req = aid_request_post(
                    actor=requester,
                    group=group,
                    kind=kind,
                    title=f"问题{i}",
                    category="study",
                )
            else:
                req = aid_request_post(
                    actor=requester,
                    group=group,
                    kind=kind,
                    text=pdd_share(group.pk * 100 + i),
                    size=rng.randint(2, 5) if kind == "groupbuy" else None,
                    needed=rng.randint(1, 5) if kind == "boost" else None,
                )
            requests.append((group, members, req))

    answers = []
    for _group, members, req in requests:
        if req.kind == "question":
            for m in rng.sample([m for m in members if m != req.requester], 3):
                answers.append(answer_post(actor=m, request_id=req.pk, body="我的经验是……"))

    calls: list[Callable[[], Any]] = []
    for _ in range(60):
        _group, members, req = rng.choice(requests)
        if req.kind == "question":
            mine = [a for a in answers if a.request_id == req.pk]
            answer = rng.choice(mine)
            calls.append(lambda r=req, a=answer: answer_accept(actor=r.requester, answer_id=a.pk))
        else:
            helper = rng.choice(members)  # sometimes the requester: must be refused
            calls.append(lambda r=req, h=helper: help_give(actor=h, request_id=r.pk))
    # Several rounds of 8 at once, so the same request is hit concurrently many times.
    results = []
    for start in range(0, len(calls), 8):
        results += run_together(calls[start : start + 8])
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, HuzhuError)]
    assert unexpected == []

    for group, _members in groups:
        total = LedgerEntry.objects.filter(group=group).aggregate(s=Sum("amount"))["s"] or 0
        assert total == 0
    for _group, _members, req in requests:
        req.refresh_from_db()
        valid = Help.objects.filter(request=req, status=HelpStatus.OK).count()
        assert req.helps_count == valid or req.kind == "question"
        if req.kind != "question":
            assert valid <= req.target
            assert (req.status == AidStatus.COMPLETED) == (valid == req.target)
            assert not Help.objects.filter(request=req, helper=req.requester).exists()
        else:
            assert req.answers.filter(accepted=True).count() == (
                1 if req.status == AidStatus.RESOLVED else 0
            )
    # Every help has exactly one ledger pair.
    pairs = LedgerEntry.objects.filter(reason="help").aggregate(
        n=Count("id"), plus=Count("id", filter=Q(amount__gt=0))
    )
    assert pairs["n"] == 2 * Help.objects.count() and pairs["plus"] == Help.objects.count()
