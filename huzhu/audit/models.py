"""The audit log: one row per moderation, privacy or admin action, never updated or deleted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventType(models.TextChoices):
    USER_SIGNED_UP = "user.signed_up", _("注册账号")
    USER_PASSWORD_CHANGED = "user.password_changed", _("修改密码")
    USER_CONSENTED = "user.consented", _("同意隐私政策与社区规范")
    API_TOKEN_CREATED = "api_token.created", _("创建 API 令牌")
    API_TOKEN_REVOKED = "api_token.revoked", _("撤销 API 令牌")
    GROUP_CREATED = "group.created", _("创建群")
    GROUP_SETTINGS_CHANGED = "group.settings_changed", _("修改群设置")
    GROUP_OWNERSHIP_TRANSFERRED = "group.ownership_transferred", _("转让群主")
    INVITE_CREATED = "invite.created", _("创建邀请")
    INVITE_REVOKED = "invite.revoked", _("撤销邀请")
    MEMBER_JOINED = "member.joined", _("成员加入")
    MEMBER_LEFT = "member.left", _("成员退出")
    MEMBER_REMOVED = "member.removed", _("移出成员")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("变更成员角色")
    AID_SETTINGS_CHANGED = "aid.settings_changed", _("修改互助规则")
    AID_REQUEST_HELD = "aid_request.held", _("互助请求待审核")
    AID_REQUEST_MODERATED = "aid_request.moderated", _("审核互助请求")
    HELP_DISPUTED = "help.disputed", _("帮助被标记为未收到")
    HELP_DISPUTE_RESOLVED = "help.dispute_resolved", _("处理帮助争议")
    RESOURCE_REMOVED = "resource.removed", _("管理员删除群友分享的资源")
    CHAT_MESSAGE_RELEASED = "chat.message_released", _("放行审核中的聊天消息")
    CHAT_MESSAGE_REJECTED = "chat.message_rejected", _("驳回审核中的聊天消息")
    CHAT_MESSAGE_REMOVED = "chat.message_removed", _("管理员删除群友的聊天消息")
    # moderation
    REPORT_CREATED = "report.created", _("举报")
    CONTENT_HIDDEN = "moderation.content_hidden", _("举报达到阈值，内容暂时隐藏")
    REVIEW_ENQUEUED = "review.enqueued", _("进入审核队列")
    REVIEW_CLAIMED = "review.claimed", _("认领审核")
    REVIEW_RESOLVED = "review.resolved", _("处理审核")
    SANCTION_ISSUED = "sanction.issued", _("处罚成员")
    SANCTION_LIFTED = "sanction.lifted", _("撤销处罚")
    APPEAL_FILED = "appeal.filed", _("提出申诉")
    APPEAL_DECIDED = "appeal.decided", _("处理申诉")
    MODERATION_SETTINGS_CHANGED = "moderation.settings_changed", _("修改审核与处罚设置")
    MEMBER_NOTE_ADDED = "member_note.added", _("添加成员备注")
    BAN_LIST_CREATED = "ban_list.created", _("创建共享封禁名单")
    BAN_LIST_GROUP_ADDED = "ban_list.group_added", _("群加入共享封禁名单")
    BAN_LIST_GROUP_REMOVED = "ban_list.group_removed", _("群退出共享封禁名单")
    BAN_LIST_ENTRY_ADDED = "ban_list.entry_added", _("加入共享封禁名单")
    FACTCHECK_NOTE_CREATED = "factcheck_note.created", _("撰写核实")
    FACTCHECK_WRITER_PAUSED = "factcheck_note.writer_paused", _("暂停撰写核实")
    # privacy
    PRIVATE_FIELD_REVEALED = "privacy.field_revealed", _("查看加密的个人信息")
    RECOVERY_PHONE_SET = "privacy.recovery_phone_set", _("设置找回账号手机号")
    ADDRESS_SHARED = "privacy.address_shared", _("向团长提供收货地址")
    ADDRESS_WITHDRAWN = "privacy.address_withdrawn", _("撤回收货地址")
    PRIVACY_SETTINGS_CHANGED = "privacy.settings_changed", _("修改隐私设置")
    GROUP_ALIAS_SET = "privacy.alias_set", _("设置群昵称")
    CONTACT_REQUESTED = "privacy.contact_requested", _("发出联系请求")
    CONTACT_ANSWERED = "privacy.contact_answered", _("回复联系请求")
    AGE_CONFIRMED = "privacy.age_confirmed", _("确认年龄")
    DATA_EXPORT_REQUESTED = "privacy.export_requested", _("申请导出个人数据")
    DATA_CORRECTED = "privacy.data_corrected", _("更正个人信息")
    ACCOUNT_DELETION_REQUESTED = "privacy.deletion_requested", _("申请注销账号")
    ACCOUNT_DELETION_CANCELLED = "privacy.deletion_cancelled", _("撤销注销申请")
    ACCOUNT_ERASED = "privacy.account_erased", _("注销账号并清除个人信息")
    FIELD_KEYS_ROTATED = "privacy.field_keys_rotated", _("轮换字段加密密钥")
    RETENTION_PURGED = "privacy.retention_purged", _("按保留期限清除数据")


class AuditEvent(models.Model):
    event_type = models.CharField(max_length=64, choices=AuditEventType.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=40, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} by {self.actor_id} at {self.created_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an existing row is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit events are append-only")
