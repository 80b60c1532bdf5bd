"""The notification kinds mutual aid sends (registered once when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from huzhu.notifications.kinds import notification_kind_register

HELP_RECEIVED = "aid.help_received"
REQUEST_COMPLETED = "aid.request_completed"
GROUPBUY_JOINED_COMPLETED = "aid.groupbuy_joined_completed"
REQUEST_EXPIRED = "aid.request_expired"
ANSWER_RECEIVED = "aid.answer_received"
ANSWER_ACCEPTED = "aid.answer_accepted"
THANKED = "aid.thanked"
HELP_DISPUTED = "aid.help_disputed"
DISPUTE_RESOLVED = "aid.dispute_resolved"
REQUEST_HELD = "aid.request_held"
JOINED_REQUEST_EDITED = "aid.joined_request_edited"


def register_kinds() -> None:
    for kind, message in {
        HELP_RECEIVED: _("%(actor)s 帮助了你的「%(title)s」"),
        REQUEST_COMPLETED: _("你的「%(title)s」已完成"),
        GROUPBUY_JOINED_COMPLETED: _("你参加的拼团「%(title)s」已成团"),
        REQUEST_EXPIRED: _("「%(title)s」到期未完成，已失效"),
        ANSWER_RECEIVED: _("%(actor)s 回答了你的求助「%(title)s」"),
        ANSWER_ACCEPTED: _("%(actor)s 采纳了你在「%(title)s」的回答"),
        THANKED: _("%(actor)s 感谢你在「%(title)s」中的帮助"),
        HELP_DISPUTED: _("%(actor)s 表示「%(title)s」的一次帮助未收到，请处理"),
        DISPUTE_RESOLVED: _("你在「%(title)s」提出的帮助争议已处理"),
        REQUEST_HELD: _("%(actor)s 发布的「%(title)s」需要审核"),
        JOINED_REQUEST_EDITED: _("%(actor)s 修改了你参与的「%(title)s」，请看看新的内容"),
    }.items():
        notification_kind_register(kind=kind, message=message)
