"""Moderation hiding or removing content takes it out of search at once; publishing restores it."""

from __future__ import annotations

from huzhu.moderation.contracts import content_adapter_for
from huzhu.resources.services import Screened, resource_share
from huzhu.search.query import search
from huzhu.search.services import search_index_build


def test_hidden_and_restored_resource(group, owner, member, run_on_commit, monkeypatch):
    monkeypatch.setattr(
        "huzhu.resources.services._screen",
        lambda *, text, author, group: Screened("allow", text, ""),
    )
    tip = resource_share(actor=member, group=group, kind="tip", title="纸巾折叠小技巧")
    search_index_build(kind="resource", object_ids=[tip.pk])
    adapter = content_adapter_for(tip)
    assert adapter.url(tip) == f"/resources/{tip.pk}/"
    adapter.set_visibility(tip, hidden=True)
    assert search(user=owner, query="纸巾").hits == []
    run_on_commit(adapter.set_visibility, tip, hidden=False)
    assert [h.doc.object_id for h in search(user=owner, query="纸巾").hits] == [tip.pk]


def test_hidden_chat_message_leaves_search(group, owner, member):
    from huzhu.chat.models import Message

    message = Message.objects.create(group=group, seq=1, cursor=1, sender=member, text="高数代考")
    search_index_build(kind="chat_message", object_ids=[message.pk])
    assert search(user=owner, query="高数").hits
    content_adapter_for(message).set_visibility(message, hidden=True)
    assert search(user=owner, query="高数").hits == []


def test_removed_answer_leaves_search(group, owner, member, monkeypatch):
    from huzhu.aid.services import Screened as AidScreened
    from huzhu.aid.services import aid_request_post, answer_post

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: AidScreened("allow", text, "", []),
    )
    question = aid_request_post(
        actor=owner, group=group, kind="question", title="雅思怎么准备", category="study"
    )
    answer = answer_post(actor=member, request_id=question.pk, body="加我微信买雅思真题")
    search_index_build(kind="aid_answer", object_ids=[answer.pk])
    assert search(user=owner, query="雅思真题", kinds=["answer"]).hits
    content_adapter_for(answer).remove(answer, actor=owner)
    assert search(user=owner, query="雅思真题", kinds=["answer"]).hits == []
