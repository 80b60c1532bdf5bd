"""Index maintenance: hooks from content services, what may be indexed, the reindex command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from huzhu.resources.services import (
    Screened,
    resource_confirm,
    resource_delete,
    resource_edit,
    resource_share,
)
from huzhu.search.models import SearchDoc
from huzhu.search.query import search
from huzhu.search.services import search_index_build, search_index_upsert, search_reindex
from tests.factories import join, make_user


@pytest.fixture(autouse=True)
def _screen_allows(monkeypatch):
    monkeypatch.setattr(
        "huzhu.resources.services._screen",
        lambda *, text, author, group: Screened("allow", text, ""),
    )


def share_tip(run_on_commit, actor, group, title="纸巾囤货攻略", body="双十一囤纸巾最划算"):
    return run_on_commit(
        resource_share, actor=actor, group=group, kind="guide", title=title, body=body
    )


def test_shared_resource_is_indexed_after_commit_by_the_task(group, member, run_on_commit):
    tip = share_tip(run_on_commit, member, group)
    doc = SearchDoc.objects.get(kind="resource", object_id=tip.pk)
    assert doc.group_id == group.pk and doc.subkind == "guide"
    assert "纸巾" in doc.segmented.split()
    (hit,) = search(user=member, query="纸巾").hits
    assert hit.doc.object_id == tip.pk


def test_nothing_is_indexed_when_the_transaction_rolls_back(group, member, immediate_tasks):
    # Without the commit callbacks running (the test transaction never commits) no row appears.
    resource_share(actor=member, group=group, kind="tip", title="纸巾小技巧")
    assert not SearchDoc.objects.exists()


def test_edit_reindexes_and_delete_removes_at_once(group, member, run_on_commit):
    tip = share_tip(run_on_commit, member, group)
    run_on_commit(resource_edit, actor=member, resource_id=tip.pk, body="现在改成洗衣液了")
    assert search(user=member, query="洗衣液").hits
    assert not search(user=member, query="双十一").hits
    # Removal does not wait for a task or a commit: it is part of the delete's transaction.
    resource_delete(actor=member, resource_id=tip.pk)
    assert not SearchDoc.objects.filter(kind="resource", object_id=tip.pk).exists()


def test_held_resources_are_not_indexed(group, member, run_on_commit, monkeypatch):
    monkeypatch.setattr(
        "huzhu.resources.services._screen",
        lambda *, text, author, group: Screened("hold", text, "待审核"),
    )
    share_tip(run_on_commit, member, group)
    assert not SearchDoc.objects.exists()


def test_expired_deal_stays_findable_but_flagged_and_ranked_lower(group, member, run_on_commit):
    link = "https://mobile.yangkeduo.com/goods.html?goods_id=1"
    old = run_on_commit(
        resource_share,
        actor=member,
        group=group,
        kind="deal",
        title="纸巾特价",
        link=link,
        price="20",
        original_price="30",
    )
    run_on_commit(
        resource_share,
        actor=member,
        group=group,
        kind="deal",
        title="纸巾特价",
        link=link,
        price="21",
        original_price="30",
    )
    run_on_commit(resource_confirm, actor=member, resource_id=old.pk, verdict="expired")
    hits = search(user=member, query="纸巾特价").hits
    assert len(hits) == 2
    assert hits[-1].doc.object_id == old.pk
    assert hits[-1].doc.flag_list == ["expired"]


def test_upsert_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="unknown"):
        search_index_upsert("nonsense", 1)


def test_aid_questions_and_answers_are_indexed(group, member, monkeypatch):
    from huzhu.aid.services import Screened as AidScreened
    from huzhu.aid.services import aid_request_post, answer_post

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: AidScreened("allow", text, "", []),
    )
    asker = join(group, make_user()).user
    question = aid_request_post(
        actor=asker,
        group=group,
        kind="question",
        title="高数哪本教材好？",
        body="准备考研",
        category="study",
    )
    answer = answer_post(
        actor=member, request_id=question.pk, body="推荐同济版高数，配合张宇的视频"
    )
    search_index_build(kind="aid_request", object_ids=[question.pk])
    search_index_build(kind="aid_answer", object_ids=[answer.pk])
    result = search(user=member, query="高数教材")
    assert result.hits[0].doc.kind == "aid_request"
    answers = search(user=member, query="张宇", kinds=["answer"]).hits
    assert [h.doc.object_id for h in answers] == [answer.pk]
    assert answers[0].doc.parent_id == question.pk
    assert answers[0].doc.title == "高数哪本教材好？"


def test_chat_messages_published_only(group, member):
    from huzhu.chat.models import Message, MessageStatus

    shown = Message.objects.create(group=group, seq=1, cursor=1, sender=member, text="谁有高数笔记")
    held = Message.objects.create(
        group=group,
        seq=2,
        cursor=2,
        sender=member,
        text="高数代考加微信",
        status=MessageStatus.HELD,
    )
    search_index_build(kind="chat_message", object_ids=[shown.pk, held.pk])
    assert [h.doc.object_id for h in search(user=member, query="高数").hits] == [shown.pk]


def test_reindex_command_rebuilds_and_drops_vanished_rows(group, member, immediate_tasks):
    tip = resource_share(actor=member, group=group, kind="tip", title="煮饺子不破皮的小技巧")
    SearchDoc.objects.create(kind="resource", object_id=999_999, group=group, segmented="饺子")
    out = io.StringIO()
    call_command("reindex", stdout=out, verbosity=0)
    assert "indexed 1 items" in out.getvalue()
    assert list(SearchDoc.objects.values_list("object_id", flat=True)) == [tip.pk]
    assert search(user=member, query="饺子").hits[0].doc.object_id == tip.pk
    assert search_reindex(kinds=["resource"]) == 1


@pytest.mark.django_db(transaction=True)
def test_reindex_on_every_core_indexes_everything(group, member, immediate_tasks):
    """``huzhu reindex --workers 2``: forked workers segment (and on PostgreSQL write) the
    batches; the result is the same index as in one process."""
    titles = [f"第{i}期高数笔记分享" for i in range(7)] + ["煮饺子不破皮的小技巧"]
    shared = [
        resource_share(actor=member, group=group, kind="study", title=title) for title in titles
    ]
    SearchDoc.objects.all().delete()
    SearchDoc.objects.create(kind="resource", object_id=999_999, group=group, segmented="饺子")
    assert search_reindex(kinds=["resource"], workers=2, batch_size=3) == len(shared)
    assert sorted(SearchDoc.objects.values_list("object_id", flat=True)) == sorted(
        r.pk for r in shared
    )
    assert len(search(user=member, query="高数笔记").hits) == 7
    assert search(user=member, query="饺子").hits[0].doc.object_id == shared[-1].pk
