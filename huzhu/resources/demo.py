"""Demo content for resources and search, built through the real services: deals (some matching
the aid demo's group-buys, so savings show), guides, study materials, work experience and life
tips in each demo group; confirmations (仍有效, 价格变了, 我也买了), one deal voted 已过期, one
re-share into another group; then the search index is built for everything demo data holds.

List ``"huzhu.resources.demo"`` last in ``huzhu.core.demo.DEMO_MODULES`` so the index also covers
the other features' demo content.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from huzhu.core.errors import HuzhuError
from huzhu.groups.models import Group, Membership
from huzhu.resources.models import Resource
from huzhu.resources.services import resource_confirm, resource_reshare, resource_share

logger = logging.getLogger(__name__)

PDD = "https://mobile.yangkeduo.com/goods.html?goods_id={goods}&share_uin=DEMO{goods}&_wv=41729"
JD = "https://item.jd.com/{goods}.html?utm_source=share"
TMALL = "https://detail.tmall.com/item.htm?id={goods}&spm=a1z10.demo"
MEITUAN = "https://i.meituan.com/deal/{goods}.html?utm_source=wx"

# (group index, kind, title, body, tags, link, price, original price, valid for days)
ITEMS: list[tuple[int, str, str, str, str, str, str, str, int | None]] = [
    (
        0,
        "deal",
        "维达抽纸 3层130抽*24包",
        "百亿补贴到手 29.9，超市要 45，拼团更便宜。纸巾囤货正好。",
        "纸巾,日用",
        PDD.format(goods=318832941),
        "29.9",
        "45",
        7,
    ),
    (
        0,
        "deal",
        "飞鹤星飞帆 3段 700g",
        "旗舰店满减后 198 一罐，买二送一，奶粉认准官方店。",
        "奶粉,母婴",
        PDD.format(goods=520118377),
        "89",
        "268",
        5,
    ),
    (
        0,
        "deal",
        "蓝月亮洗衣液 3kg 薰衣草",
        "洗衣液 15.8 包邮，家里一直用这个，味道淡。",
        "洗衣液,日用",
        PDD.format(goods=602214588),
        "15.8",
        "39.9",
        10,
    ),
    (
        0,
        "deal",
        "好奇铂金装纸尿裤 L 码 4 包",
        "京东自营满 299 减 100，纸尿裤好价。",
        "纸尿裤,母婴",
        JD.format(goods=100034567890),
        "219",
        "329",
        3,
    ),
    (
        0,
        "guide",
        "宝宝辅食添加顺序攻略",
        "6 个月开始：米粉→蔬菜泥→水果泥→肉泥，一次只加一种，观察三天。",
        "辅食,育儿",
        "",
        "",
        "",
        None,
    ),
    (
        0,
        "tip",
        "湿巾开封后怎么保存不干",
        "开封后倒扣放，盖子贴紧；夏天别放在阳台。",
        "湿巾",
        "",
        "",
        "",
        None,
    ),
    (
        1,
        "study",
        "高数上册复习笔记（极限、导数、积分）",
        "按张宇十八讲整理，每章有例题和易错点，适合零基础。",
        "高数,考研数学",
        "",
        "",
        "",
        None,
    ),
    (
        1,
        "study",
        "考研英语作文模板 2026",
        "大作文三段式模板 + 小作文书信格式，附 20 个高分句型。",
        "考研英语,作文",
        "",
        "",
        "",
        None,
    ),
    (
        1,
        "experience",
        "二战上岸经验：时间怎么安排",
        "早上数学，下午专业课，晚上英语单词和政治；每周日复盘。",
        "考研,经验",
        "",
        "",
        "",
        None,
    ),
    (
        1,
        "deal",
        "考研数学 660 题 正版",
        "天猫旗舰店券后 39.8，比书店便宜一半。",
        "考研数学,真题",
        TMALL.format(goods=650012345678),
        "39.8",
        "79",
        14,
    ),
    (
        2,
        "guide",
        "第一次租房避坑指南",
        "看房带上手机测水压；合同写清押金退还条件、维修责任和水电费怎么算。",
        "租房,合同",
        "",
        "",
        "",
        None,
    ),
    (
        2,
        "experience",
        "产品经理面试经验（二面）",
        "二面问了数据分析和用户调研，准备一个完整的项目复盘很重要。",
        "面试,简历",
        "",
        "",
        "",
        None,
    ),
    (
        2,
        "tip",
        "煮饺子不破皮的小技巧",
        "水开后加一勺盐，点三次冷水，饺子就不容易破。",
        "做饭",
        "",
        "",
        "",
        None,
    ),
    (
        2,
        "deal",
        "海底捞 4 人套餐 工作日可用",
        "美团到手 268，原价 398，周一到周五可用。",
        "外卖,聚餐",
        MEITUAN.format(goods=778899213),
        "268",
        "398",
        6,
    ),
    (
        2,
        "deal",
        "iPhone 15 透明手机壳",
        "防摔气囊款 9.9 包邮，已经用了两个月没发黄。",
        "手机壳,iPhone15",
        PDD.format(goods=445566778),
        "9.9",
        "29",
        20,
    ),
]


def _members(group: Group) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(group=group, status="active")
        .select_related("user")
        .order_by("id")
    ]


def demo_load(*, groups: list[Group], users: list[Any], rng: random.Random) -> None:
    shared: list[Resource] = []
    now = timezone.now()
    for index, kind, title, body, tags, link, price, original, days in ITEMS:
        if index >= len(groups):
            continue
        group = groups[index]
        members = _members(group)
        author = rng.choice(members)
        try:
            resource = resource_share(
                actor=author,
                group=group,
                kind=kind,
                title=title,
                body=body,
                tags=tags,
                link=link,
                price=price or None,
                original_price=original or None,
                valid_until=now + timedelta(days=days) if days else None,
            )
        except HuzhuError as exc:
            logger.info("demo: resource skipped (%s): %s", exc.code, title)
            continue
        shared.append(resource)
        for voter in rng.sample(members, k=min(3, len(members))):
            if voter.pk == author.pk:
                continue
            bought = kind == "deal" and rng.random() < 0.6
            try:
                resource_confirm(
                    actor=voter, resource_id=resource.pk, verdict="valid", bought=bought
                )
            except HuzhuError:
                continue
    _demo_states(shared=shared, groups=groups, rng=rng)
    _demo_index()


def _demo_states(*, shared: list[Resource], groups: list[Group], rng: random.Random) -> None:
    deals = [r for r in shared if r.kind == "deal"]
    if deals:
        # One deal whose price went up, one that members say is over.
        changed = deals[0]
        voter = next(u for u in _members(changed.group) if u.pk != changed.author_id)
        resource_confirm(
            actor=voter, resource_id=changed.pk, verdict="price_changed", new_price="32.9"
        )
        over = deals[-1]
        over_voters = [u for u in _members(over.group) if u.pk != over.author_id][:3]
        for voter in over_voters:
            resource_confirm(actor=voter, resource_id=over.pk, verdict="expired")
    # A member of two groups re-shares a guide; the first author stays credited.
    for resource in shared:
        if resource.kind != "guide":
            continue
        for other in groups:
            if other.pk == resource.group_id:
                continue
            both = set(
                Membership.objects.filter(group=other, status="active").values_list(
                    "user_id", flat=True
                )
            ) & set(
                Membership.objects.filter(group=resource.group, status="active").values_list(
                    "user_id", flat=True
                )
            )
            if both:
                member = next(u for u in _members(resource.group) if u.pk in both)
                try:
                    resource_reshare(actor=member, resource_id=resource.pk, group_id=other.pk)
                except HuzhuError as exc:
                    logger.info("demo: reshare skipped (%s)", exc.code)
                return


def _demo_index() -> None:
    """Index everything now (the demo runs before the worker), rather than wait for tasks."""
    from huzhu.search.services import search_reindex

    search_reindex()
