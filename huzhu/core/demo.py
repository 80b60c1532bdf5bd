"""Demo data: three realistic groups with about thirty members, built through the real services.

Each feature adds its own demo content through a ``demo_load(*, groups, users, rng)`` function in
its ``demo.py``; list the module in ``DEMO_MODULES``.
"""

from __future__ import annotations

import importlib
import random
import secrets
from dataclasses import dataclass

from django.db import transaction

from huzhu.accounts.models import User
from huzhu.accounts.services import user_signup
from huzhu.groups.models import Group, Role
from huzhu.groups.services import group_create, group_join, invite_create, membership_set_role

# Modules with a demo_load(*, groups, users, rng) function, run in this order.
DEMO_MODULES: list[str] = [
    "huzhu.aid.demo",
    "huzhu.wellbeing.demo",
    "huzhu.moderation.demo",
    "huzhu.resources.demo",  # last: it rebuilds the search index over all demo content
]

PEOPLE: list[tuple[str, str]] = [
    ("wangfang", "王芳"),
    ("lijing", "李静"),
    ("zhangwei", "张伟"),
    ("liuyang", "刘洋"),
    ("chenjie", "陈杰"),
    ("yangli", "杨丽"),
    ("zhaomin", "赵敏"),
    ("huangxin", "黄鑫"),
    ("zhouting", "周婷"),
    ("wuhao", "吴昊"),
    ("xuqian", "徐倩"),
    ("sunlei", "孙磊"),
    ("maxiaoyu", "马晓宇"),
    ("zhujia", "朱佳"),
    ("hulan", "胡岚"),
    ("guoqiang", "郭强"),
    ("heyun", "何芸"),
    ("linfeng", "林峰"),
    ("luoxue", "罗雪"),
    ("gaoshan", "高山"),
    ("zhengyi", "郑怡"),
    ("liangchen", "梁晨"),
    ("xiejun", "谢军"),
    ("songyu", "宋雨"),
    ("tangmei", "唐梅"),
    ("hanbing", "韩冰"),
    ("fengrui", "冯瑞"),
    ("dengchao", "邓超"),
    ("caolu", "曹璐"),
    ("pengbo", "彭博"),
]

GROUPS: list[dict[str, object]] = [
    {
        "name": "宝妈拼团互助群",
        "description": "拼多多拼团、砍一刀互助，母婴好物一起拼，省钱又省心。",
        "rules": "1. 先帮后发：帮过 1 位群友再发自己的拼团。\n2. 只发正规平台链接，禁止广告和刷单。\n"
        "3. 不晒手机号、地址等个人信息。\n4. 互相尊重，友好交流。",
        "owner": 0,
        "admins": [1],
        "members": range(14),
    },
    {
        "name": "考研学习互助群",
        "description": "考研资料分享、答疑解惑、互相监督打卡。",
        "rules": "1. 求助请写清科目和问题。\n2. 分享资料注明来源，禁止倒卖。\n3. 禁止广告、代考。",
        "owner": 10,
        "admins": [11],
        "members": range(9, 22),
    },
    {
        "name": "上班族生活互助群",
        "description": "租房、通勤、职场经验和生活小妙招，下班后聊聊天。",
        "rules": "1. 友善交流，禁止人身攻击。\n2. 招聘信息需管理员审核。\n3. 保护隐私，不公开他人信息。",
        "owner": 20,
        "admins": [21],
        "members": [*range(19, 30), 0, 5],
    },
]


@dataclass
class DemoResult:
    password: str
    users: list[User]
    groups: list[Group]


def demo_load(*, seed: int = 20261125) -> DemoResult:
    """Create the demo users and groups. Passwords are random per installation, never fixed."""
    rng = random.Random(seed)
    password = f"demo-{secrets.token_urlsafe(9)}"
    with transaction.atomic():
        users = [
            user_signup(
                username=username,
                display_name=name,
                password=password,
                accept_privacy_policy=True,
                accept_community_rules=True,
            )
            for username, name in PEOPLE
        ]
        groups = []
        for spec in GROUPS:
            owner = users[int(spec["owner"])]  # type: ignore[call-overload]
            group = group_create(
                actor=owner,
                name=str(spec["name"]),
                description=str(spec["description"]),
                rules=str(spec["rules"]),
            )
            invite = invite_create(actor=owner, group=group, expires_in_hours=24 * 30)
            for index in spec["members"]:  # type: ignore[attr-defined]
                if users[index] != owner:
                    group_join(user=users[index], code=invite.code, accept_rules=True)
            for index in spec["admins"]:  # type: ignore[attr-defined]
                membership_set_role(
                    actor=owner, group=group, user_id=users[index].pk, role=Role.ADMIN
                )
            groups.append(group)
        for module_name in DEMO_MODULES:
            importlib.import_module(module_name).demo_load(groups=groups, users=users, rng=rng)
    return DemoResult(password=password, users=users, groups=groups)
