"""Demo content for mutual aid, built through the real services: group-buys and boosts in every
state (open, completed, expired, closed) from real-shaped Pinduoduo / Taobao / JD / Meituan share
texts, questions (open, resolved with an accepted and thanked answer, closed), a help dispute
waiting for the moderators, and 先帮后发 switched on in the group-buy group afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from huzhu.aid.models import AidRequest
from huzhu.aid.services import (
    aid_request_expire,
    aid_request_post,
    aid_rules_update,
    answer_accept,
    answer_post,
    help_dispute,
    help_give,
    request_close,
    request_thank,
)
from huzhu.core.errors import HuzhuError
from huzhu.groups.models import Group, Membership, Role

logger = logging.getLogger(__name__)

PDD = (
    "【拼多多】我在拼多多发现了一个好东西，快来和我一起拼吧！【{price}元】{title} "
    "https://mobile.yangkeduo.com/goods.html?goods_id={goods}&share_uin=DEMO{goods}"
    "&refer_share_uid=1{goods}&page_from=23&_wv=41729"
)
BOOST = "帮我砍一刀吧，还差{n}刀 {title} https://p.pinduoduo.com/{code} 谢谢啦～"
TAOBAO = "【淘宝】https://m.tb.cn/h.{code}?tk={code}tk 「{title}」点击链接直接打开 券后价{price}"
JD = "【京东】{title} ¥{price} {size}人团 https://item.jd.com/{goods}.html?utm_source=share"
MEITUAN = "【美团】「{title}」到手价{price} https://i.meituan.com/deal/{goods}.html?utm_source=wx"


def _members(group: Group) -> tuple[Any, list[Any]]:
    rows = list(
        Membership.objects.filter(group=group, status="active")
        .select_related("user")
        .order_by("id")
    )
    owner = next(m.user for m in rows if m.role == Role.OWNER)
    return owner, [m.user for m in rows if m.role != Role.OWNER]


def _post(**kwargs: Any) -> AidRequest | None:
    try:
        return aid_request_post(**kwargs)
    except HuzhuError as exc:
        logger.info("demo: aid request skipped (%s): %s", exc.code, kwargs.get("title") or "")
        return None


def _helps(request: AidRequest | None, helpers: list[Any]) -> None:
    if request is None:
        return
    for helper in helpers:
        try:
            help_give(actor=helper, request_id=request.pk)
        except HuzhuError as exc:
            logger.info("demo: help skipped (%s)", exc.code)


def _expire(request: AidRequest | None, *, hours_ago: int) -> None:
    """Move a demo request into the past and let the real expiry service fail it."""
    if request is None:
        return
    now = timezone.now()
    AidRequest.objects.filter(pk=request.pk).update(
        created_at=now - timedelta(hours=24 + hours_ago), deadline=now - timedelta(hours=hours_ago)
    )
    aid_request_expire(request_id=request.pk)


def _groupbuys(group: Group, rng: random.Random) -> None:
    owner, people = _members(group)
    a, b, c, d, e, f = people[:6]
    rest = people[6:]
    done = _post(
        actor=a,
        group=group,
        kind="groupbuy",
        size=3,
        text=PDD.format(price="29.9", title="维达抽纸 3层130抽*24包 家用实惠装", goods=318832941),
    )
    _helps(done, [b, c])
    open_gb = _post(
        actor=b,
        group=group,
        kind="groupbuy",
        size=4,
        text=PDD.format(price="89", title="飞鹤星飞帆 3段 幼儿配方奶粉 700g", goods=520118377),
        body="还差两三个人，今晚十点前成团的来～",
    )
    _helps(open_gb, [a])
    boost = _post(
        actor=c,
        group=group,
        kind="boost",
        needed=5,
        text=BOOST.format(n=5, title="好奇铂金装纸尿裤 L码", code="Zx8Kp2Q"),
    )
    _helps(boost, rng.sample(rest, 2) if len(rest) >= 2 else [])
    boost_done = _post(
        actor=d,
        group=group,
        kind="boost",
        needed=2,
        text=BOOST.format(n=2, title="儿童保温杯 316不锈钢", code="Qm3Rt7W"),
    )
    _helps(boost_done, [a, e])
    expired = _post(
        actor=e,
        group=group,
        kind="groupbuy",
        size=5,
        text=PDD.format(price="15.8", title="蓝月亮洗衣液 3kg 薰衣草", goods=602214588),
    )
    _helps(expired, [f])
    _expire(expired, hours_ago=3)
    tb = _post(
        actor=f,
        group=group,
        kind="groupbuy",
        size=2,
        text=TAOBAO.format(code="5xYzAbC", title="婴儿湿巾 80抽*12包", price="39.9"),
    )
    if tb is not None:
        request_close(actor=f, request_id=tb.pk)
    # A requester says one help on the completed group-buy never arrived: waits for moderators.
    if done is not None:
        first_help = done.helps.order_by("id").first()
        if first_help is not None:
            with contextlib.suppress(HuzhuError):
                help_dispute(actor=a, help_id=first_help.pk, reason="群里没看到他参团的截图")
    # Switched on after the demo posts: 先帮后发 with N = 1, as the group's rules say.
    aid_rules_update(actor=owner, group=group, help_before_post=1, max_requests_per_day=3)


def _questions(group: Group, rng: random.Random) -> None:
    owner, people = _members(group)
    a, b, c, d = people[:4]
    resolved = _post(
        actor=a,
        group=group,
        kind="question",
        category="study",
        title="考研数学一零基础，暑假前应该看哪些书？",
        body="目前大三，高数忘得差不多了，每天能学 4 小时。",
    )
    if resolved is not None:
        good = _answer(
            b,
            resolved,
            "先过一遍同济高数教材和课后题，再上全书。线代看李永乐的讲义，概率论放在九月前。",
        )
        _answer(c, resolved, "建议先跟一个基础班视频，一节课配一章习题，不要一开始就刷真题。")
        if good is not None:
            answer_accept(actor=a, answer_id=good.pk)
            request_thank(actor=a, request_id=resolved.pk, helper_id=b.pk)
            request_thank(actor=a, request_id=resolved.pk, helper_id=c.pk)
    open_q = _post(
        actor=d,
        group=group,
        kind="question",
        category="study",
        title="英语作文模板要背多少篇比较合适？",
        body="去年考了 62 分，作文拉分比较多。",
    )
    if open_q is not None:
        _answer(a, open_q, "大作文准备 3 到 4 个框架就够了，关键是平时练自己的句型。")
    closed = _post(
        actor=c,
        group=group,
        kind="question",
        category="other",
        title="有没有一起在图书馆打卡的？",
    )
    if closed is not None:
        request_close(actor=c, request_id=closed.pk)
    _ = rng, owner


def _life(group: Group, rng: random.Random) -> None:
    _owner, people = _members(group)
    a, b, c, d = people[:4]
    q = _post(
        actor=a,
        group=group,
        kind="question",
        category="life",
        title="第一次自己租房，签合同要注意什么？",
        body="在浦东张江附近，一室户，房东直租。",
    )
    if q is not None:
        _answer(b, q, "押金和违约条款写清楚，入住当天把家电和墙面拍照留存，水电燃气底数记下来。")
    mt = _post(
        actor=c,
        group=group,
        kind="groupbuy",
        size=4,
        text=MEITUAN.format(title="海底捞 4人套餐 工作日可用", price="268", goods=778899213),
    )
    _helps(mt, [d])
    jd = _post(
        actor=d,
        group=group,
        kind="groupbuy",
        text=JD.format(title="得力 A4 复印纸 70g 5包装", price="119", size=2, goods=100012345678),
    )
    _helps(jd, [b])
    work = _post(
        actor=b,
        group=group,
        kind="question",
        category="work",
        title="年终述职 PPT 一般做几页？",
    )
    if work is not None:
        _answer(c, work, "我们部门一般 10 页以内：结果、数据、问题、明年计划，各一两页。")
    _ = rng


def _answer(user: Any, request: AidRequest, body: str) -> Any | None:
    try:
        return answer_post(actor=user, request_id=request.pk, body=body)
    except HuzhuError as exc:
        logger.info("demo: answer skipped (%s)", exc.code)
        return None


def demo_load(*, groups: list[Group], users: list[Any], rng: random.Random) -> None:
    """Mutual-aid demo content for the three demo groups (group-buys, study, daily life)."""
    # Demo members have been in their groups for weeks (newcomers' first-day limits would
    # otherwise refuse the demo's group-buys).
    now = timezone.now()
    for membership in Membership.objects.filter(group__in=groups).order_by("id"):
        Membership.objects.filter(pk=membership.pk).update(
            joined_at=now - timedelta(days=rng.randint(7, 90), hours=rng.randint(0, 23))
        )
    loaders = [_groupbuys, _questions, _life]
    for group, loader in zip(groups, loaders, strict=False):
        loader(group, rng)
    _ = users
