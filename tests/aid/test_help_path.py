"""The help path (我已参团 / 已助力) in few round trips, with every rule kept.

On PostgreSQL a help that does not complete the request costs BEGIN, one locking read (request,
the helper's membership, an earlier help, the requester's quiet-hours settings), one write (help,
counter, ledger pair, notification in one statement) and COMMIT. The tests check the rows that
write leaves behind and the rules it must still honour, on either database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huzhu.aid.models import AidRequest, Help, LedgerEntry
from huzhu.aid.services import help_give
from huzhu.core.errors import Forbidden
from huzhu.notifications.models import Notification
from huzhu.wellbeing.models import HeldNotification, WellbeingSettings
from tests.aid.test_services import groupbuy

pytestmark = pytest.mark.django_db


def _quiet_now(user) -> None:
    """Quiet hours around the current instant, in the user's own time zone."""
    prefs = WellbeingSettings.objects.create(user=user, time_zone="Asia/Shanghai")
    local = timezone.now().astimezone(timezone.get_fixed_timezone(8 * 60))
    prefs.quiet_start = (local - timedelta(hours=1)).time().replace(microsecond=0)
    prefs.quiet_end = (local + timedelta(hours=1)).time().replace(microsecond=0)
    prefs.save()


def test_a_help_leaves_its_row_counter_ledger_pair_and_notification(alice, bob, group):
    req = groupbuy(alice, group, size=5)
    h = help_give(actor=bob, request_id=req.pk, idempotency_key="tap-1")
    assert h.pk and h.helper == bob and h.idempotency_key == "tap-1"
    assert Help.objects.get(pk=h.pk).request_id == req.pk
    assert AidRequest.objects.get(pk=req.pk).helps_count == 1
    ledger = LedgerEntry.objects.filter(request=req)
    assert sorted((e.member_id, e.amount) for e in ledger) == sorted([(bob.pk, 1), (alice.pk, -1)])
    assert ledger.aggregate(s=Sum("amount"))["s"] == 0
    note = Notification.objects.get(user=alice, kind="aid.help_received")
    assert note.actor == bob and note.params["request_id"] == req.pk
    assert note.url == f"/groups/{group.pk}/aid/{req.pk}/"
    assert note.created_at is not None and note.read_at is None


def test_the_requesters_quiet_hours_hold_the_notification(alice, bob, group):
    _quiet_now(alice)
    req = groupbuy(alice, group, size=5)
    help_give(actor=bob, request_id=req.pk)
    assert not Notification.objects.filter(user=alice, kind="aid.help_received").exists()
    held = HeldNotification.objects.get(user=alice, kind="aid.help_received")
    assert held.actor == bob
    # The help itself is recorded all the same.
    assert AidRequest.objects.get(pk=req.pk).helps_count == 1
    assert LedgerEntry.objects.filter(request=req).count() == 2


def test_a_repeat_is_the_same_help_and_writes_nothing(alice, bob, group):
    req = groupbuy(alice, group, size=5)
    first = help_give(actor=bob, request_id=req.pk, idempotency_key="k")
    again = help_give(actor=bob, request_id=req.pk, idempotency_key="other-key")
    assert again.pk == first.pk and again.helper == bob
    assert AidRequest.objects.get(pk=req.pk).helps_count == 1
    assert LedgerEntry.objects.filter(request=req).count() == 2
    assert Notification.objects.filter(user=alice, kind="aid.help_received").count() == 1


def test_rules_still_bite_on_the_short_path(alice, bob, group):
    from huzhu.groups.models import Membership

    req = groupbuy(alice, group, size=5)
    with pytest.raises(Forbidden) as exc:
        help_give(actor=alice, request_id=req.pk)
    assert exc.value.code == "own_request"
    Membership.objects.filter(group=group, user=bob).update(
        muted_until=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(Forbidden) as exc:
        help_give(actor=bob, request_id=req.pk)
    assert exc.value.code == "muted"
    assert not Help.objects.filter(request=req).exists()
    assert not LedgerEntry.objects.filter(request=req).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's"
)
def test_on_postgresql_a_help_is_one_read_and_one_write(alice, bob, group):
    req = groupbuy(alice, group, size=5)
    with CaptureQueriesContext(connection) as ctx:
        help_give(actor=bob, request_id=req.pk)
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 2, statements
    assert "FOR UPDATE" in statements[0]
    assert statements[1].startswith("WITH ")


def test_the_completing_help_still_completes_and_notifies(alice, bob, carol, group):
    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    help_give(actor=carol, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == "completed" and req.helps_count == 2 and req.finished_at
    kinds = set(Notification.objects.filter(user=alice).values_list("kind", flat=True))
    assert {"aid.help_received", "aid.request_completed"} <= kinds
    assert LedgerEntry.objects.filter(group=group).aggregate(s=Sum("amount"))["s"] == 0
