"""The notification kinds moderation sends (registered once when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from huzhu.notifications.kinds import notification_kind_register

REPORT_UPHELD = "moderation.report_upheld"
REPORT_DECLINED = "moderation.report_declined"
REPORT_DISMISSED = "moderation.report_dismissed"
SANCTIONED = "moderation.sanctioned"
APPEAL_FILED = "moderation.appeal_filed"
APPEAL_DECIDED = "moderation.appeal_decided"
CONTENT_HIDDEN = "moderation.content_hidden"
CONTENT_REMOVED = "moderation.content_removed"
NOTE_WRITING_PAUSED = "moderation.note_writing_paused"


def register_kinds() -> None:
    for kind, message in {
        REPORT_UPHELD: _("你对「%(excerpt)s」的举报已核实，内容已处理。谢谢！"),
        REPORT_DECLINED: _("你对「%(excerpt)s」的举报已处理：管理员认为内容可以保留。"),
        REPORT_DISMISSED: _("你对「%(excerpt)s」的举报不成立。"),
        SANCTIONED: _(
            "你在「%(group)s」受到处罚：%(kind)s（%(reason)s）。可以在“我的处罚”中查看并申诉。"
        ),
        APPEAL_FILED: _("%(actor)s 对一项处罚提出了申诉，请另一位管理员处理"),
        APPEAL_DECIDED: _("你的申诉已处理：%(outcome)s"),
        CONTENT_HIDDEN: _("「%(excerpt)s」被多位群友举报，已暂时隐藏，等待管理员审核"),
        CONTENT_REMOVED: _("你发布的「%(excerpt)s」已被管理员删除：%(reason)s"),
        NOTE_WRITING_PAUSED: _("你最近的核实内容多次被评为没有帮助，暂停撰写核实到 %(until)s"),
    }.items():
        notification_kind_register(kind=kind, message=message)
