"""Privacy pages: settings, recovery phone, group-buy addresses, aliases, member profiles with
relayed contact requests, re-consent, and data rights (export, correction, deletion).

Revealed values are rendered only into the response to the password POST, marked ``no-store``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from huzhu.accounts.models import User
from huzhu.core.errors import HuzhuError, NotFound
from huzhu.groups.access import access_group
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.privacy import data_rights
from huzhu.privacy.models import Audience, ExportStatus, GroupAlias
from huzhu.privacy.services import (
    account_deletion_request,
    address_reveal,
    address_share,
    address_withdraw,
    addresses_visible_to,
    consent_accept,
    consent_missing,
    contact_request_answer,
    contact_request_send,
    contact_requests_for,
    display_name_in_group,
    group_alias_set,
    groupbuy_for_member,
    privacy_allows,
    privacy_settings_get,
    privacy_settings_update,
    profile_correct,
    recovery_phone_masked,
    recovery_phone_reveal,
    recovery_phone_set,
)
from huzhu.web.forms import ServiceForm
from huzhu.web.views.accounts import safe_next


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class PasswordForm(ServiceForm):
    password = forms.CharField(
        label=gettext_lazy("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_fields: ClassVar[dict[str, str]] = {"wrong_password": "password"}


class SettingsForm(ServiceForm):
    profile_visibility = forms.ChoiceField(
        label=gettext_lazy("谁能看我的资料"), choices=Audience.choices
    )
    groups_visibility = forms.ChoiceField(
        label=gettext_lazy("谁能看我加入了哪些群"), choices=Audience.choices
    )
    ledger_visibility = forms.ChoiceField(
        label=gettext_lazy("谁能看我的互助值"), choices=Audience.choices
    )
    accept_contact_requests = forms.BooleanField(
        label=gettext_lazy("接受群友的联系请求"), required=False
    )


class PhoneForm(ServiceForm):
    phone = forms.CharField(
        label=gettext_lazy("找回账号用的手机号"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("加密保存，只用于找回账号，群友看不到。留空则删除。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    error_fields: ClassVar[dict[str, str]] = {"invalid_phone": "phone"}


class AddressForm(ServiceForm):
    recipient_name = forms.CharField(label=gettext_lazy("收件人"), max_length=40)
    phone = forms.CharField(
        label=gettext_lazy("收件手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("收货地址"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
    error_fields: ClassVar[dict[str, str]] = {
        "invalid_recipient": "recipient_name",
        "invalid_phone": "phone",
        "invalid_address": "address",
    }


class AliasForm(ServiceForm):
    alias = forms.CharField(label=gettext_lazy("群昵称"), max_length=40, required=False)
    error_fields: ClassVar[dict[str, str]] = {"invalid_alias": "alias"}


class ContactForm(ServiceForm):
    message = forms.CharField(
        label=gettext_lazy("想说的话"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    share_contact = forms.CharField(
        label=gettext_lazy("愿意给对方的联系方式（可不填）"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("对方接受后才能看到；不填也可以在互助里继续沟通。"),
    )
    error_fields: ClassVar[dict[str, str]] = {
        "invalid_message": "message",
        "invalid_contact": "share_contact",
    }


class AnswerForm(ServiceForm):
    accept = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    share_contact = forms.CharField(max_length=100, required=False)


class DisplayNameForm(ServiceForm):
    display_name = forms.CharField(label=gettext_lazy("显示名称"), max_length=40)
    error_fields: ClassVar[dict[str, str]] = {"invalid_display_name": "display_name"}


class ConsentForm(ServiceForm):
    agree = forms.BooleanField(label=gettext_lazy("我已阅读并同意更新后的文件"))


# --- privacy settings and phone -------------------------------------------------------------------


def _settings_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    current = privacy_settings_get(user=user)
    memberships = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("group")
        .order_by("group__name")
    )
    aliases = dict(GroupAlias.objects.filter(user=user).values_list("group_id", "alias"))
    context = {
        "nav": "me",
        "settings_form": SettingsForm(
            initial={
                "profile_visibility": current.profile_visibility,
                "groups_visibility": current.groups_visibility,
                "ledger_visibility": current.ledger_visibility,
                "accept_contact_requests": current.accept_contact_requests,
            }
        ),
        "phone_form": PhoneForm(),
        "reveal_form": PasswordForm(),
        "masked_phone": recovery_phone_masked(user=user),
        "groups": [(m.group, aliases.get(m.group_id, "")) for m in memberships],
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            privacy_settings_update(user=_user(request), **form.cleaned_data)
            messages.success(request, _("隐私设置已保存。"))
            return redirect("web:privacy_settings")
        return render(
            request,
            "web/privacy/settings.html",
            _settings_context(request, settings_form=form),
            status=400,
        )
    return _no_store(render(request, "web/privacy/settings.html", _settings_context(request)))


@login_required
@require_POST
def phone_set(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            recovery_phone_set(user=_user(request), phone=form.cleaned_data["phone"])
        except HuzhuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("手机号已保存。"))
            return redirect("web:privacy_settings")
    return render(
        request,
        "web/privacy/settings.html",
        _settings_context(request, phone_form=form),
        status=400,
    )


@login_required
@require_POST
def phone_reveal(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    revealed = ""
    status = 200
    if form.is_valid():
        try:
            revealed = recovery_phone_reveal(
                user=_user(request), password=form.cleaned_data["password"]
            )
        except HuzhuError as exc:
            form.add_service_error(exc)
            status = exc.status
    else:
        status = 400
    context = _settings_context(request, reveal_form=form, revealed_phone=revealed)
    return _no_store(render(request, "web/privacy/settings.html", context, status=status))


@login_required
@require_POST
def alias_set(request: HttpRequest, group_id: int) -> HttpResponse:
    group, _membership = access_group(user=_user(request), group_id=group_id)
    form = AliasForm(request.POST)
    if form.is_valid():
        group_alias_set(user=_user(request), group=group, alias=form.cleaned_data["alias"])
        messages.success(request, _("群昵称已保存。"))
    else:
        messages.error(request, _("群昵称最多 40 个字符。"))
    return redirect("web:privacy_settings")


# --- group-buy addresses --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def addresses(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    revealed: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        try:
            address_id = int(request.POST.get("address_id", ""))
        except ValueError:
            raise NotFound(_("没有找到这个地址。")) from None
        if form.is_valid():
            try:
                revealed = address_reveal(
                    actor=_user(request),
                    address_id=address_id,
                    password=form.cleaned_data["password"],
                )
            except HuzhuError as exc:
                if exc.status == 404:
                    raise
                form.add_service_error(exc)
                status = exc.status
        else:
            status = 400
    context = {
        "nav": "me",
        **addresses_visible_to(user=_user(request)),
        "reveal_form": form,
        "revealed": revealed,
    }
    return _no_store(render(request, "web/privacy/addresses.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def address_share_page(request: HttpRequest, request_id: int) -> HttpResponse:
    form = AddressForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                address_share(actor=_user(request), request_id=request_id, **form.cleaned_data)
            except HuzhuError as exc:
                if exc.status == 404:
                    raise
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(request, _("地址已加密发给团长，只有团长输入密码后才能查看。"))
                return redirect("web:privacy_addresses")
        else:
            status = 400
    else:
        groupbuy_for_member(user=_user(request), request_id=request_id)  # 404 for outsiders
    return render(
        request,
        "web/privacy/address_share.html",
        {"form": form, "request_id": request_id, "nav": "me"},
        status=status,
    )


@login_required
@require_POST
def address_withdraw_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address_withdraw(actor=_user(request), address_id=address_id)
    messages.success(request, _("地址已撤回并删除。"))
    return redirect("web:privacy_addresses")


# --- member profile and contact requests ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_profile(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    viewer = _user(request)
    group, _membership = access_group(user=viewer, group_id=group_id)
    target = (
        Membership.objects.select_related("user")
        .filter(group=group, user_id=user_id, status=MembershipStatus.ACTIVE)
        .first()
    )
    if target is None:
        raise NotFound(_("没有找到这位群友。"))
    owner = target.user
    form = ContactForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact_request_send(
                    sender=viewer, group=group, recipient_id=owner.pk, **form.cleaned_data
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(
                    request, _("联系请求已发出，对方同意后你们才能看到彼此愿意给的联系方式。")
                )
                return redirect("web:member_profile", group_id=group.pk, user_id=owner.pk)
        else:
            status = 400
    context: dict[str, Any] = {
        "group": group,
        "owner": owner,
        "name": display_name_in_group(user=owner, group=group),
        "is_me": owner.pk == viewer.pk,
        "show_profile": privacy_allows(viewer=viewer, owner=owner, aspect="profile", group=group),
        "groups": None,
        "balance": None,
        "form": form,
        "accepts_contact": privacy_settings_get(user=owner).accept_contact_requests,
        "nav": "groups",
    }
    if privacy_allows(viewer=viewer, owner=owner, aspect="groups", group=group):
        context["groups"] = [
            m.group
            for m in Membership.objects.filter(
                user=owner,
                status=MembershipStatus.ACTIVE,
                group__memberships__user=viewer,
                group__memberships__status=MembershipStatus.ACTIVE,
            ).select_related("group")
        ]
    if privacy_allows(viewer=viewer, owner=owner, aspect="ledger", group=group):
        from huzhu.aid.selectors import ledger_balance

        context["balance"] = ledger_balance(user=owner, group=group)
    return render(request, "web/privacy/member_profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AnswerForm(request.POST)
        try:
            request_id = int(request.POST.get("request_id", ""))
        except ValueError:
            raise NotFound(_("没有找到这个联系请求。")) from None
        if form.is_valid():
            contact_request_answer(
                actor=_user(request),
                request_id=request_id,
                accept=form.cleaned_data["accept"],
                share_contact=form.cleaned_data["share_contact"],
            )
            messages.success(request, _("已回复联系请求。"))
        return redirect("web:privacy_contacts")
    return _no_store(
        render(
            request,
            "web/privacy/contacts.html",
            {"requests": contact_requests_for(user=_user(request)), "nav": "me"},
        )
    )


# --- consent -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    missing = consent_missing(user=user)
    if not missing:
        return redirect(safe_next(request))
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            consent_accept(user=user, kinds=missing)
            request.session.pop("huzhu_consent_ok", None)
            messages.success(request, _("谢谢，已记录你的同意。"))
            return redirect(safe_next(request))
        status = 400
    return render(
        request,
        "web/privacy/consent.html",
        {
            "form": form,
            "missing": missing,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


# --- data rights ---------------------------------------------------------------------------------------


def _data_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    context = {
        "nav": "me",
        "jobs": data_rights.exports_for(user=user),
        "keep_hours": int(data_rights.export_keep().total_seconds() // 3600),
        "name_form": DisplayNameForm(initial={"display_name": user.display_name}),
        "delete_form": PasswordForm(),
        "grace_days": _grace_days(),
    }
    context.update(extra)
    return context


def _grace_days() -> int:
    from django.conf import settings

    return int(settings.ACCOUNT_DELETION_GRACE_DAYS)


@login_required
@require_http_methods(["GET"])
def data_page(request: HttpRequest) -> HttpResponse:
    return _no_store(render(request, "web/privacy/data.html", _data_context(request)))


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    job = data_rights.export_request(user=_user(request))
    messages.success(request, _("正在生成你的数据副本，完成后可在本页下载。"))
    return redirect(reverse("web:privacy_data") + f"#export-{job.pk}")


@login_required
@require_http_methods(["GET"])
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = data_rights.export_get(user=_user(request), job_id=job_id)
    return render(request, "web/privacy/_export_job.html", {"job": job, "done": ExportStatus.DONE})


@login_required
@require_http_methods(["GET"])
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    archive = data_rights.export_download(user=_user(request), job_id=job_id)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="huzhu-data-{job_id}.zip"'
    return _no_store(response)


@login_required
@require_POST
def display_name_correct(request: HttpRequest) -> HttpResponse:
    form = DisplayNameForm(request.POST)
    if form.is_valid():
        try:
            profile_correct(user=_user(request), display_name=form.cleaned_data["display_name"])
        except HuzhuError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("显示名称已更正。"))
            return redirect("web:privacy_data")
    return render(
        request, "web/privacy/data.html", _data_context(request, name_form=form), status=400
    )


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            deletion = account_deletion_request(
                user=_user(request), password=form.cleaned_data["password"]
            )
        except HuzhuError as exc:
            form.add_service_error(exc)
        else:
            logout(request)
            return render(request, "web/privacy/deleted.html", {"deletion": deletion})
    return render(
        request, "web/privacy/data.html", _data_context(request, delete_form=form), status=400
    )


# --- restoring an account during the deletion grace period -------------------------------------

RESTORE_SESSION_KEY = "huzhu_restore"
RESTORE_WINDOW_SECONDS = 600


def restore_offer(request: HttpRequest, *, username: str, password: str) -> Any:
    """Called by the login page when sign-in fails: if these are the right credentials of an
    account waiting for erasure, remember that in the (anonymous) session for ten minutes and
    return the pending deletion, so the page can offer to restore it."""
    import time

    from huzhu.privacy.services import account_deletion_pending

    user = User.objects.filter(username=username, is_active=False).first()
    if user is None:
        return None
    deletion = account_deletion_pending(user_id=user.pk)
    if deletion is None or not user.check_password(password):
        return None
    request.session[RESTORE_SESSION_KEY] = {"user_id": user.pk, "at": int(time.time())}
    return deletion


@require_POST
def account_restore(request: HttpRequest) -> HttpResponse:
    """Restore my account (offered on the login page after a correct password) and sign in."""
    import time

    from django.contrib.auth import login

    from huzhu.privacy.services import account_deletion_cancel

    marker = request.session.pop(RESTORE_SESSION_KEY, None) or {}
    user_id = marker.get("user_id")
    fresh = time.time() - float(marker.get("at", 0)) < RESTORE_WINDOW_SECONDS
    user = User.objects.filter(pk=user_id).first() if user_id and fresh else None
    if user is None:
        messages.error(request, _("请重新输入用户名和密码，再恢复账号。"))
        return redirect("web:login")
    try:
        account_deletion_cancel(actor=user, user_id=user.pk)
    except HuzhuError as exc:
        messages.error(request, str(exc))
        return redirect("web:login")
    user.refresh_from_db()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("账号已恢复，欢迎回来。之前的 API 令牌已作废，需要时请重新创建。"),
    )
    return redirect("web:my_groups")


# --- staff: pending account deletions -------------------------------------------------------------


class RestoreForm(ServiceForm):
    reason = forms.CharField(
        label=gettext_lazy("恢复原因"),
        max_length=200,
        help_text=gettext_lazy("例如：用户 11 月 20 日来信要求恢复。会写入审计日志。"),
    )
    error_fields: ClassVar[dict[str, str]] = {
        "reason_required": "reason",
        "invalid_reason": "reason",
    }


@login_required
@require_http_methods(["GET"])
def staff_deletions(request: HttpRequest) -> HttpResponse:
    from huzhu.privacy.services import account_deletions_pending

    query = request.GET.get("q", "")
    rows = account_deletions_pending(actor=_user(request), query=query)
    return _no_store(
        render(
            request,
            "web/privacy/staff_deletions.html",
            {"rows": rows, "q": query, "form": RestoreForm(), "nav": "me"},
        )
    )


@login_required
@require_POST
def staff_deletion_cancel(request: HttpRequest, user_id: int) -> HttpResponse:
    from huzhu.privacy.services import account_deletion_cancel, account_deletions_pending

    form = RestoreForm(request.POST)
    if form.is_valid():
        try:
            user = account_deletion_cancel(
                actor=_user(request), user_id=user_id, reason=form.cleaned_data["reason"]
            )
        except HuzhuError as exc:
            if exc.status in (403, 404):
                raise
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("已恢复 %(name)s 的账号。") % {"name": user.display_name or user.username},
            )
            return redirect("web:staff_deletions")
    rows = account_deletions_pending(actor=_user(request))
    return _no_store(
        render(
            request,
            "web/privacy/staff_deletions.html",
            {"rows": rows, "q": "", "form": form, "failed_user_id": user_id, "nav": "me"},
            status=400,
        )
    )
