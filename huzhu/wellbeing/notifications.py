"""The notification kinds wellbeing sends (registered once when the app is ready).

Kinds starting with ``wellbeing.`` are never held for a digest: they are the digest itself and the
member's own reminders.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from huzhu.notifications.kinds import notification_kind_register

PREFIX = "wellbeing."
DIGEST = "wellbeing.digest"
BUDGET_80 = "wellbeing.budget_80"
BUDGET_100 = "wellbeing.budget_100"
WEEKLY_REPORT = "wellbeing.weekly_report"


def register_kinds() -> None:
    for kind, message in {
        DIGEST: _("你的通知汇总：有 %(count)s 条通知在等你"),
        BUDGET_80: _("今天已使用 %(minutes)s 分钟，达到你设定时长的 80%%"),
        BUDGET_100: _("今天已使用 %(minutes)s 分钟，用完了你设定的时长，休息一下吧"),
        WEEKLY_REPORT: _("你的每周报告（%(week)s 起）已生成"),
    }.items():
        notification_kind_register(kind=kind, message=message)
