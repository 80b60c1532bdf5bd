"""Web forms. They only parse input; services decide. A service's ``HuzhuError`` is shown next to
the field it is about through ``ServiceForm.add_service_error`` and the form's ``error_fields`` map
(error code → field name)."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from huzhu.accounts.models import TokenScope
from huzhu.core.errors import HuzhuError, RateLimited


class ServiceForm(forms.Form):
    error_fields: ClassVar[dict[str, str]] = {}

    def add_service_error(self, exc: HuzhuError) -> None:
        """Attach a service error to the field it concerns (or to the form as a whole).

        A rate limit also tells the response how long to wait (``Retry-After``, added by
        ``HuzhuErrorMiddleware`` to the 429 page that shows the form again with its content)."""
        field = self.error_fields.get(exc.code)
        self.add_error(field if field in self.fields else None, str(exc.message))
        if isinstance(exc, RateLimited):
            from huzhu.web.middleware import note_retry_after

            note_retry_after(exc.retry_after)


class SignupForm(ServiceForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=30,
        help_text=_("3–30 位字母、数字或下划线，用于登录，注册后不能修改。"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(
        label=_("显示名称"),
        max_length=40,
        help_text=_("群友看到的名字，可以用中文。"),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 10 位，不要使用常见密码。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_privacy_policy = forms.BooleanField(required=False)
    accept_community_rules = forms.BooleanField(required=False)
    # PIPL Art. 31: under 14 needs a guardian's consent, recorded at sign-up.
    age = forms.ChoiceField(
        label=_("年龄"),
        choices=[("14_or_over", _("我已满 14 周岁")), ("under_14", _("我未满 14 周岁"))],
        widget=forms.RadioSelect,
    )
    guardian_name = forms.CharField(
        label=_("监护人姓名"),
        max_length=40,
        required=False,
        help_text=_("未满 14 周岁时填写，加密保存。"),
    )
    guardian_consent = forms.BooleanField(
        label=_("我的监护人已阅读并同意隐私政策，同意我注册"), required=False
    )

    error_fields: ClassVar[dict[str, str]] = {
        "guardian_consent_required": "guardian_name",
        "invalid_username": "username",
        "username_taken": "username",
        "invalid_display_name": "display_name",
        "weak_password": "password1",
        "consent_required": "accept_community_rules",
    }

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "inactive": _("这个账号已停用。"),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs["autocapitalize"] = "none"


class PasswordChangeForm(ServiceForm):
    old_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=_("至少 10 位，不要使用常见密码。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    error_fields: ClassVar[dict[str, str]] = {
        "wrong_password": "old_password",
        "weak_password": "new_password1",
    }

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return cleaned


class GroupForm(ServiceForm):
    """Create a group, or change its settings. Limits are the service's; maxlength is a hint."""

    name = forms.CharField(
        label=_("群名称"), widget=forms.TextInput(attrs={"maxlength": 40}), strip=False
    )
    description = forms.CharField(
        label=_("群简介"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("一两句话介绍这个群，最多 500 字。"),
    )
    rules = forms.CharField(
        label=_("群规"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("新成员加入前需要阅读并同意群规。每条一行。"),
    )
    capacity = forms.IntegerField(
        label=_("人数上限"),
        required=False,
        help_text=_("2 到 2000 人，默认 500。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    invite_only = forms.BooleanField(label=_("仅限邀请加入"), required=False, initial=True)

    error_fields: ClassVar[dict[str, str]] = {
        "invalid_name": "name",
        "invalid_description": "description",
        "invalid_rules": "rules",
        "invalid_capacity": "capacity",
    }


INVITE_EXPIRY_CHOICES = [
    (1, _("1 小时")),
    (24, _("1 天")),
    (168, _("7 天")),
    (720, _("30 天")),
]


class InviteForm(ServiceForm):
    expires_in_hours = forms.TypedChoiceField(
        label=_("有效期"), choices=INVITE_EXPIRY_CHOICES, coerce=int, initial=168
    )
    max_uses = forms.IntegerField(
        label=_("使用次数上限"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    error_fields: ClassVar[dict[str, str]] = {
        "invalid_expiry": "expires_in_hours",
        "invalid_max_uses": "max_uses",
    }


class RoleForm(forms.Form):
    role = forms.CharField(max_length=16)  # the service says which roles may be set


class JoinForm(ServiceForm):
    accept_rules = forms.BooleanField(label=_("我已阅读并同意群规"), required=False)
    error_fields: ClassVar[dict[str, str]] = {"rules_not_accepted": "accept_rules"}


class ApiTokenForm(ServiceForm):
    name = forms.CharField(
        label=_("令牌名称"),
        required=False,
        help_text=_("写明用途，例如“拼团机器人”。"),
        widget=forms.TextInput(attrs={"maxlength": 60}),
    )
    scope = forms.ChoiceField(
        label=_("权限"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    error_fields: ClassVar[dict[str, str]] = {"invalid_name": "name", "invalid_scope": "scope"}
