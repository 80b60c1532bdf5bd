"""The moderation demo content loads through the real services and shows every feature."""

from __future__ import annotations

from huzhu.core import demo as core_demo
from huzhu.moderation.models import Appeal, BanList, Note, ReviewItem


def test_demo_content(db, monkeypatch):
    monkeypatch.setattr(core_demo, "DEMO_MODULES", ["huzhu.moderation.demo"])
    result = core_demo.demo_load()
    mums = result.groups[0]
    open_items = ReviewItem.objects.filter(status="open")
    assert open_items.filter(group=mums, hidden=True).exists()  # the scam message
    assert open_items.filter(group=result.groups[1], content_type__isnull=True).exists()
    assert Appeal.objects.filter(status="pending").count() == 1
    assert Note.objects.filter(status="helpful").count() == 1
    assert BanList.objects.count() == 1
