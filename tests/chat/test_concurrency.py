"""Sends to one group at the same time: unique, gap-free sequence numbers; a raced key stores once.

On PostgreSQL the sends really run at the same time in threads (each with its own connection,
released together by a barrier), through the one-statement "next number + insert". SQLite
serialises writers, so there they run one after another: the same rules are checked either way.
"""

from __future__ import annotations

import pytest

from huzhu.chat.models import ChatCounter, Message
from huzhu.chat.services import message_send
from tests.concurrency import run_together
from tests.factories import join, make_group, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_members_sending_at_once_get_unique_consecutive_numbers():
    group = make_group(make_user("owner_c", "群主"))  # no message yet: the counter row is new too
    members = [join(group).user for _ in range(6)]
    calls = [
        (lambda u=u, n=n: message_send(actor=u, group=group, text=f"{u.pk} 第{n}条"))
        for n in range(3)
        for u in members
    ]
    results = run_together(calls)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    seqs = sorted(r.message.seq for r in results)
    assert seqs == list(range(1, len(calls) + 1))
    stored = list(Message.objects.filter(group=group).values_list("seq", "cursor", "text"))
    assert sorted(s for s, _c, _t in stored) == seqs
    assert all(s == c for s, c, _t in stored)
    # What each sender got back is what was stored under that number.
    by_seq = {s: t for s, _c, t in stored}
    assert all(by_seq[r.message.seq] == r.message.text for r in results)
    assert ChatCounter.objects.get(group_id=group.pk).last_seq == len(calls)


def test_the_same_key_sent_at_once_is_stored_once_and_uses_no_number():
    group = make_group(make_user("owner_k", "群主"))
    group.config = {**(group.config or {}), "chat": {"rate_limit": 50}}  # 8 sends in a second
    group.save(update_fields=["config"])
    member = join(group).user
    message_send(actor=member, group=group, text="第一条")
    results = run_together(
        [
            lambda: message_send(actor=member, group=group, text="拼团还差一人", client_key="dup-1")
            for _ in range(6)
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sum(r.created for r in results) == 1
    assert {r.message.pk for r in results} == {results[0].message.pk}
    assert {r.message.seq for r in results} == {2}
    assert Message.objects.filter(group=group).count() == 2
    # The losing sends rolled their counter increment back: the next message is number 3.
    assert message_send(actor=member, group=group, text="下一条").message.seq == 3
