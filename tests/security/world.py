"""A small world for the security tests: two groups with every kind of object, and one user for
each role in group A. Built through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from huzhu.accounts.models import User
from huzhu.accounts.services import api_token_create
from huzhu.groups.models import Group, Membership
from huzhu.groups.services import invite_create, membership_set_role
from tests.factories import join, make_group, make_user

ROLES = ("anonymous", "nonmember", "member", "muted", "admin", "owner", "banned", "staff")
PDD = (
    "【拼多多】快来和我一起拼吧！【29.9元】维达抽纸 "
    "https://mobile.yangkeduo.com/goods.html?goods_id={goods}&share_uin=AB12"
)


@dataclass
class World:
    users: dict[str, User | None]
    tokens: dict[str, str]
    group_a: Group
    group_b: Group
    ids_a: dict[str, Any] = field(default_factory=dict)
    ids_b: dict[str, Any] = field(default_factory=dict)


def _objects(group: Group, owner: User, poster: User, helper: User, prefix: str) -> dict[str, Any]:
    """One of each object in ``group``; ids keyed by the path parameter names of the API."""
    from huzhu.aid.services import aid_request_post, answer_post, help_dispute, help_give
    from huzhu.chat.services import message_send
    from huzhu.moderation.banlists import ban_list_create
    from huzhu.moderation.models import ReviewItem
    from huzhu.moderation.reports import report_create
    from huzhu.privacy.services import address_share, contact_request_send
    from huzhu.resources.services import resource_share

    goods = 100000 + group.pk
    groupbuy = aid_request_post(
        actor=poster, group=group, kind="groupbuy", text=PDD.format(goods=goods)
    )
    question = aid_request_post(
        actor=poster,
        group=group,
        kind="question",
        title=f"{prefix}考研数学怎么复习",
        body="求经验",
        category="study",
    )
    answer = answer_post(actor=helper, request_id=question.pk, body="先把课本例题做一遍再刷真题")
    help_ = help_give(actor=helper, request_id=groupbuy.pk)
    dispute = help_dispute(actor=poster, help_id=help_.pk, reason="没有收到助力")
    message = message_send(actor=poster, group=group, text=f"{prefix}大家好，今天拼纸巾").message
    resource = resource_share(
        actor=poster, group=group, kind="tip", title=f"{prefix}省电小技巧", body="空调调到 26 度"
    )
    report_create(actor=helper, reason="ad", text="像是广告", target=message)
    item = ReviewItem.objects.filter(group=group).order_by("-pk").first()
    ban_list = ban_list_create(actor=owner, group=group, name=f"{prefix}骗子名单")
    invite = invite_create(actor=owner, group=group)
    address = address_share(
        actor=helper,
        request_id=groupbuy.pk,
        recipient_name="收件人",
        phone="13900001111",
        address="上海市某路 1 号",
    )
    return {
        "group_id": group.pk,
        "request_id": groupbuy.pk,
        "question_id": question.pk,
        "answer_id": answer.pk,
        "help_id": help_.pk,
        "dispute_id": dispute.pk,
        "message_id": message.pk,
        "resource_id": resource.pk,
        "item_id": item.pk if item else 999999,
        "note_id": 999999,  # writing a note needs trusted standing; the rating path is still walked
        "ban_list_id": ban_list.pk,
        "invite_id": invite.pk,
        "code": invite.code,
        "user_id": poster.pk,
        "helper_user_id": helper.pk,
        "address_id": address.pk,
        "contact_request": lambda sender, recipient: contact_request_send(
            sender=sender, group=group, recipient_id=recipient.pk, message="你好"
        ),
    }


def build_world(screening_off: Any = None) -> World:
    from huzhu.moderation.appeals import appeal_file
    from huzhu.moderation.sanctions import sanction_issue
    from huzhu.privacy.data_rights import export_request
    from huzhu.privacy.models import ExportJob

    owner = make_user("w_owner", "群主")
    group_a = make_group(owner, name="甲群")
    users: dict[str, User | None] = {"anonymous": None, "owner": owner}
    users["nonmember"] = make_user("w_nonmember", "路人")
    users["staff"] = make_user("w_staff", "平台管理员")
    User.objects.filter(pk=users["staff"].pk).update(is_staff=True)
    users["staff"].refresh_from_db()
    for role in ("member", "muted", "admin", "banned"):
        users[role] = join(group_a, make_user(f"w_{role}", f"群友{role}")).user
    poster = join(group_a, make_user("w_poster", "发帖人")).user
    helper = join(group_a, make_user("w_helper", "热心人")).user
    Membership.objects.filter(group=group_a).update(joined_at=timezone.now() - timedelta(days=30))
    membership_set_role(actor=owner, group=group_a, user_id=users["admin"].pk, role="admin")

    stranger = make_user("w_stranger", "别群群主")
    group_b = make_group(stranger, name="乙群")
    poster_b = join(group_b, make_user("w_poster_b", "乙群发帖人")).user
    helper_b = join(group_b, make_user("w_helper_b", "乙群热心人")).user
    Membership.objects.filter(group=group_b).update(joined_at=timezone.now() - timedelta(days=30))

    ids_a = _objects(group_a, owner, poster, helper, "甲")
    ids_b = _objects(group_b, stranger, poster_b, helper_b, "乙")

    mute = sanction_issue(
        actor=owner, group=group_a, user=users["muted"], reason="ad", kind="mute", hours=24
    )
    appeal = appeal_file(actor=users["muted"], sanction_id=mute.pk, text="我没有发广告，请核实")
    sanction_issue(
        actor=owner, group=group_a, user=users["banned"], reason="scam", kind="group_ban"
    )
    ids_a["sanction_id"] = mute.pk
    ids_a["appeal_id"] = appeal.pk
    contact = ids_a.pop("contact_request")(poster, users["member"])
    ids_a["contact_id"] = contact.pk
    ids_b.pop("contact_request")
    # Personal objects of someone outside every role: nobody in the matrix may reach them.
    ids_a["token_id"] = api_token_create(user=poster, name="别人的令牌", scope="read")[0].pk
    ids_a["job_id"] = export_request(user=poster).pk
    from huzhu.notifications.models import Notification

    note_for_poster = Notification.objects.filter(user=poster).first()
    ids_a["notification_id"] = note_for_poster.pk if note_for_poster else 999999
    ids_a["digest_id"] = 999999
    # A Monday still to come: no role has a report for it (a fixed date became a past, complete
    # week with a report for everyone once the calendar passed it).
    today = timezone.localdate()
    ids_a["week_start"] = (today + timedelta(days=14 - today.weekday())).isoformat()
    for key in (
        "sanction_id",
        "appeal_id",
        "contact_id",
        "token_id",
        "job_id",
        "notification_id",
        "digest_id",
        "week_start",
    ):
        ids_b.setdefault(key, ids_a[key])
    assert ExportJob.objects.filter(user=poster).exists()

    tokens = {
        role: api_token_create(user=user, name="矩阵", scope="read_write")[1]
        for role, user in users.items()
        if user is not None and role != "banned"
    }
    tokens["banned"] = api_token_create(user=users["banned"], name="矩阵", scope="read_write")[1]
    return World(
        users=users, tokens=tokens, group_a=group_a, group_b=group_b, ids_a=ids_a, ids_b=ids_b
    )
