"""Seed a database for multi-process tests and benchmarks; prints JSON with ids and cookies.

    HUZHU_DATABASE_URL=... python -m tests.realtime.seed --members 500

Creates one group with an owner and ``members - 1`` members (flood control raised and default
screening rules off, so load tests measure delivery) and a logged-in session per user. Rows are bulk-created:
hashing 500 passwords would take longer than the test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--prefix", default="rt")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from huzhu.accounts.models import User
    from huzhu.groups.models import Group, Membership, Role

    users = User.objects.bulk_create(
        [
            User(username=f"{args.prefix}{i}", display_name=f"群友{i}", password="!unusable")
            for i in range(args.members)
        ]
    )
    users = list(User.objects.filter(username__startswith=args.prefix).order_by("id"))
    group = Group.objects.create(
        name="压测互助群",
        created_by=users[0],
        config={
            "chat": {"rate_limit": 1_000_000},
            # Machine-made load would be held as flooding; these tests measure delivery.
            "screening": {"rules": {"rules": [], "defaults": False}},
        },
    )
    # Members who joined a month ago: a newcomer's first-day message cap would stop a load test.
    joined = timezone.now() - timedelta(days=30)
    Membership.objects.bulk_create(
        [
            Membership(
                group=group,
                user=u,
                role=Role.OWNER if i == 0 else Role.MEMBER,
                joined_at=joined,
            )
            for i, u in enumerate(users)
        ]
    )
    out = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append({"id": user.pk, "cookie": f"sessionid={session.session_key}"})
    json.dump({"group_id": group.pk, "users": out}, sys.stdout)


if __name__ == "__main__":
    main()
