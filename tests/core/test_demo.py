"""`huzhu demo` (run by the first `huzhu serve`) fills three lively groups."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huzhu.aid.models import AidRequest
from huzhu.groups.models import Group
from huzhu.resources.models import Resource

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_creates_groups_members_and_content_once(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "宝妈拼团互助群" in out
    assert "demo-" in out  # the random password is printed once
    names = set(Group.objects.values_list("name", flat=True))
    assert {"宝妈拼团互助群", "考研学习互助群", "上班族生活互助群"} <= names
    assert Group.objects.get(name="宝妈拼团互助群").memberships.count() >= 10
    assert AidRequest.objects.filter(status="open").exists()
    assert AidRequest.objects.exclude(status="open").exists()
    assert Resource.objects.exists()
    with pytest.raises(CommandError):
        call_command("demo")
