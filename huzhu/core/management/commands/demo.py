"""``huzhu demo``: load demo groups and members and print their password once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from huzhu.core.demo import PEOPLE, demo_load


class Command(BaseCommand):
    help = "Load demo data: three mutual-aid groups with about thirty members."

    def handle(self, *args: Any, **options: Any) -> None:
        if get_user_model().objects.filter(username=PEOPLE[0][0]).exists():
            raise CommandError("演示数据已经载入过了 / demo data is already loaded.")
        result = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建 {len(result.groups)} 个群、{len(result.users)} 位成员 / "
                f"created {len(result.groups)} groups and {len(result.users)} members."
            )
        )
        self.stdout.write(
            "演示账号（密码只显示这一次）/ demo accounts (the password is shown only once):"
        )
        for group in result.groups:
            owner = group.memberships.get(role="owner").user
            self.stdout.write(f"  {group.name}: 群主 owner = {owner.username}")
        self.stdout.write(
            f"  所有演示账号的密码 / password of every demo account: {result.password}"
        )
        self.stdout.write(
            "  其他账号 / other accounts: " + ", ".join(u for u, _n in PEOPLE[:6]) + " …"
        )
