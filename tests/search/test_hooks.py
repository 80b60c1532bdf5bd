"""The indexing hooks in the aid and chat services, run end to end (commit → task → index)."""

from __future__ import annotations

import pytest

from huzhu.search.models import SearchDoc
from huzhu.search.query import search
from huzhu.search.services import search_index_catch_up
from tests.chat.fakes import FakeScreen
from tests.factories import join, make_user


@pytest.fixture(autouse=True)
def _screens_allow(monkeypatch):
    from huzhu.aid.services import Screened as AidScreened

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: AidScreened("allow", text, "", []),
    )
    monkeypatch.setattr("huzhu.chat.services._screen", FakeScreen())


def test_question_answer_accept_flow_is_indexed(group, member, run_on_commit):
    from huzhu.aid.services import aid_request_post, answer_accept, answer_post

    asker = join(group, make_user()).user
    question = run_on_commit(
        aid_request_post,
        actor=asker,
        group=group,
        kind="question",
        title="考研英语怎么背单词？",
        body="词汇量太少",
        category="study",
    )
    answer = run_on_commit(
        answer_post, actor=member, request_id=question.pk, body="用墨墨背单词，每天两百个"
    )
    assert search(user=member, query="背单词").hits
    run_on_commit(answer_accept, actor=asker, answer_id=answer.pk)
    docs = {d.kind: d for d in SearchDoc.objects.all()}
    assert docs["aid_request"].flag_list == ["resolved"]
    assert docs["aid_answer"].flag_list == ["accepted"]
    top = search(user=member, query="背单词").hits[0]
    assert top.doc.kind in ("aid_request", "aid_answer")


def test_held_request_is_indexed_only_once_approved(
    group, owner, member, run_on_commit, monkeypatch
):
    from huzhu.aid.services import Screened as AidScreened
    from huzhu.aid.services import aid_request_moderate, aid_request_post

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: AidScreened("hold", text, "待审核", []),
    )
    request = run_on_commit(
        aid_request_post,
        actor=member,
        group=group,
        kind="question",
        title="高数作业求助",
        category="study",
    )
    assert not SearchDoc.objects.exists()
    run_on_commit(aid_request_moderate, actor=owner, request_id=request.pk, approve=True)
    assert search(user=owner, query="高数").hits[0].doc.object_id == request.pk


def test_chat_messages_are_indexed_edited_and_removed(group, member, run_on_commit):
    from huzhu.chat.services import message_delete, message_edit, message_send

    sent = run_on_commit(message_send, actor=member, group=group, text="谁有高数期末真题？")
    assert [h.doc.object_id for h in search(user=member, query="高数").hits] == [sent.message.pk]
    run_on_commit(message_edit, actor=member, message_id=sent.message.pk, text="谁有线代期末真题？")
    assert search(user=member, query="线代").hits and not search(user=member, query="高数").hits
    message_delete(actor=member, message_id=sent.message.pk)
    assert not SearchDoc.objects.exists()


def test_catch_up_indexes_only_new_messages_of_the_group(group, member):
    from huzhu.chat.models import Message

    first = Message.objects.create(group=group, seq=1, cursor=1, sender=member, text="纸巾哪里买")
    assert search_index_catch_up(kind="chat_message", group_id=group.pk) == 1
    Message.objects.create(group=group, seq=2, cursor=2, sender=member, text="纸巾团购开了")
    assert search_index_catch_up(kind="chat_message", group_id=group.pk) == 1
    assert search_index_catch_up(kind="chat_message", group_id=group.pk) == 0
    assert SearchDoc.objects.filter(object_id=first.pk).exists()
    assert len(search(user=member, query="纸巾").hits) == 2
