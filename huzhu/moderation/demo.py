"""Demo content for trust and safety, built through the real services: members who joined weeks
ago, a scam message hidden by two reports waiting in the queue, a reported member, a removed spam
message whose author was warned and appealed, fact-check notes on a group-buy (one shown, rated
helpful by members who disagree on the other) and a shared ban list.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from huzhu.core.errors import HuzhuError
from huzhu.groups.models import Group, Membership, Role

logger = logging.getLogger(__name__)


def _send(user: Any, group: Group, text: str) -> Any | None:
    from huzhu.chat.services import message_send

    try:
        return message_send(actor=user, group=group, text=text).message
    except HuzhuError:
        logger.info("demo: screening refused a demo message, skipped: %s", text)
        return None


def _plain_members(group: Group) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(group=group, role=Role.MEMBER, status="active")
        .select_related("user")
        .order_by("id")
    ]


def _moderators(group: Group) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            group=group, role__in=(Role.OWNER, Role.ADMIN), status="active"
        )
        .select_related("user")
        .order_by("role", "id")  # admin before owner
    ]


def demo_load(*, groups: list[Group], users: list[Any], rng: random.Random) -> None:
    from huzhu.moderation.appeals import appeal_file
    from huzhu.moderation.banlists import ban_list_create
    from huzhu.moderation.factcheck import note_rate, note_write
    from huzhu.moderation.reports import report_create
    from huzhu.moderation.review import review_item_resolve

    now = timezone.now()
    # Demo members have been around for a while (first-day limits would hide everything).
    for group in groups:
        for membership in Membership.objects.filter(group=group):
            membership.joined_at = now - timedelta(days=rng.randint(12, 70))
            membership.save(update_fields=["joined_at"])

    mums = groups[0]
    members = _plain_members(mums)
    admin, owner = _moderators(mums)[0], _moderators(mums)[-1]

    # 1. A scam message that two members reported: hidden, waiting in the queue.
    scam = _send(members[-1], mums, "内部渠道奶粉特价，先转 100 元定金到我的支付宝，名额有限")
    if scam is not None:
        for reporter, text in ((members[0], "让大家先转定金，像骗子"), (members[1], "")):
            report_create(actor=reporter, target=scam, reason="scam", text=text)

    # 2. One report on an ordinary message: in the queue, still visible.
    ordinary = _send(members[2], mums, "今晚谁还要拼这款纸尿裤？差两个人成团")
    if ordinary is not None:
        report_create(actor=members[3], target=ordinary, reason="ad", text="总在发链接")

    # 3. A spam message removed with a warning; its author appealed (another moderator decides).
    spam = _send(members[4], mums, "加我好友领取免费试用装，每天限量 50 份")
    if spam is not None:
        report_create(actor=members[5], target=spam, reason="ad")
        item = report_create(actor=members[6], target=spam, reason="ad").review_item
        review_item_resolve(
            actor=admin, item_id=item.pk, action="remove_sanction", note="群内禁止广告"
        )
        sanction = members[4].sanctions.order_by("-id").first()
        if sanction is not None:
            appeal_file(
                actor=members[4],
                sanction_id=sanction.pk,
                text="我是分享品牌官方的试用活动，不是广告，请复核",
            )

    # 4. A reported member in the study group.
    study = groups[1]
    study_members = _plain_members(study)
    if len(study_members) >= 3:
        report_create(
            actor=study_members[0],
            member=study_members[-1],
            group=study,
            reason="harassment",
            text="私聊推销考研代报名，被拒绝后还一直发消息",
        )

    # 5. Fact-check notes on a group-buy: one bridging note, one needing more ratings.
    from huzhu.aid.services import aid_request_post

    try:
        deal = aid_request_post(
            actor=members[7],
            group=mums,
            kind="groupbuy",
            title="婴儿湿巾 80 抽 × 12 包 29.9 元",
            link="https://mobile.yangkeduo.com/goods.html?goods_id=338821907",
            size=3,
        )
    except HuzhuError:
        deal = None
    if deal is not None and len(members) >= 12:
        writers = members[8:10]
        for writer in writers:
            Membership.objects.filter(group=mums, user=writer).update(
                joined_at=now - timedelta(days=80)
            )
        good = note_write(
            actor=writers[0],
            target=deal,
            tag="price_mismatch",
            text="下单页现在是 35.9 元，29.9 元要先领店铺券",
        )
        split = note_write(
            actor=writers[1], target=deal, tag="accurate", text="刚拼过一单，质量不错，值得拼"
        )
        # Raters split on one note, then agree that the price note helps: with few raters the
        # small-group rule shows a note once raters who disagreed elsewhere both find it helpful.
        raters = [m for m in members if m not in (*writers, members[4], members[7])][:6]
        for i, rater in enumerate(raters):
            note_rate(actor=rater, note_id=split.pk, helpful=i < 3)
        for rater in raters:
            note_rate(actor=rater, note_id=good.pk, helpful=True)
    ban_list_create(actor=owner, group=mums, name="宝妈群联盟共享封禁名单")
