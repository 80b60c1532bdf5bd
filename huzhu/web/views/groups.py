"""Group pages: my groups, group home (rules, members, invites), settings, audit log, joining.

Every view reaches a group through ``huzhu.groups.access`` (a non-member gets the same 404 as a
missing group) and changes it through one service call. htmx requests to the member and invite
actions get the re-rendered panel back; plain form posts get a redirect to the group page.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huzhu.audit.services import audit_events_for_group
from huzhu.core.errors import HuzhuError, NotFound
from huzhu.groups.access import access_group, access_group_admin
from huzhu.groups.models import Group, Invite, Membership, Role
from huzhu.groups.services import (
    group_create,
    group_invites,
    group_join,
    group_members,
    group_transfer_ownership,
    group_update_settings,
    groups_for_user,
    invite_create,
    invite_lookup,
    invite_revoke,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from huzhu.web.forms import GroupForm, InviteForm, JoinForm, RoleForm
from huzhu.web.middleware import is_htmx

if TYPE_CHECKING:
    from huzhu.accounts.models import User

INVITES_SHOWN = 30
AUDIT_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _to_group(group: Group) -> HttpResponse:
    return redirect("web:group_home", group_id=group.pk)


# --- my groups ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_groups(request: HttpRequest) -> HttpResponse:
    form = GroupForm(
        request.POST if request.method == "POST" else None, initial={"invite_only": True}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = group_create(
                    actor=_user(request),
                    name=data["name"],
                    description=data["description"],
                    rules=data["rules"],
                    capacity=data["capacity"],
                    invite_only=data["invite_only"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(request, _("群“%(name)s”已创建。") % {"name": group.name})
                return _to_group(group)
        else:
            status = 400
    memberships = list(groups_for_user(user=_user(request)))
    return render(
        request,
        "web/groups/my_groups.html",
        {"memberships": memberships, "form": form, "nav": "groups"},
        status=status,
    )


# --- group home and its panels ------------------------------------------------------------------


def _invite_rows(
    request: HttpRequest, group: Group
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Usable and no-longer-usable invites, each with a status label and its join link."""
    now = timezone.now()
    usable: list[dict[str, Any]] = []
    spent: list[dict[str, Any]] = []
    invites: list[Invite] = list(group_invites(group=group)[:INVITES_SHOWN])
    for invite in invites:
        if invite.revoked_at is not None:
            label, css = _("已撤销"), "off"
        elif invite.expires_at <= now:
            label, css = _("已过期"), "off"
        elif invite.max_uses and invite.uses >= invite.max_uses:
            label, css = _("已用完"), "off"
        else:
            label, css = _("有效"), "ok"
        row = {
            "invite": invite,
            "label": label,
            "css": css,
            "url": request.build_absolute_uri(reverse("web:join", args=[invite.code])),
        }
        (usable if css == "ok" else spent).append(row)
    return usable, spent


def _member_rows(group: Group, viewer: Membership) -> list[dict[str, Any]]:
    """Members with the actions the viewer may take on each (the services check again)."""
    rows = []
    for member in group_members(group=group):
        is_self = member.user_id == viewer.user_id
        is_owner_target = member.role == Role.OWNER
        rows.append(
            {
                "m": member,
                "is_self": is_self,
                "can_set_role": viewer.is_owner and not is_owner_target,
                "can_transfer": viewer.is_owner and not is_self,
                "can_remove": viewer.is_admin
                and not is_self
                and not is_owner_target
                and (member.role == Role.MEMBER or viewer.is_owner),
            }
        )
    return rows


def _panel_context(
    request: HttpRequest, group: Group, membership: Membership, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "group": group,
        "membership": membership,
        "members": _member_rows(group, membership),
        "nav": "groups",
        "tab": "home",
    }
    if membership.is_admin:
        usable, spent = _invite_rows(request, group)
        context.update(
            invites=usable,
            spent_invites=spent,
            invite_form=extra.pop("invite_form", None) or InviteForm(),
        )
    context.update(extra)
    return context


@login_required
@require_GET
def group_home(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    return render(request, "web/groups/home.html", _panel_context(request, group, membership))


def _members_panel(request: HttpRequest, group: Group, membership: Membership) -> HttpResponse:
    if not is_htmx(request):
        return _to_group(group)
    context = _panel_context(request, group, membership, oob_flash=True)
    return render(request, "web/groups/_members.html", context)


@login_required
@require_POST
def invite_create_view(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group_admin(user=_user(request), group_id=group_id)
    form = InviteForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            invite = invite_create(
                actor=_user(request),
                group=group,
                expires_in_hours=form.cleaned_data["expires_in_hours"],
                max_uses=form.cleaned_data["max_uses"] or 0,
            )
        except HuzhuError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            messages.success(
                request,
                _("邀请已创建，邀请码 %(code)s。复制链接发给想邀请的人。") % {"code": invite.code},
            )
            if not is_htmx(request):
                return _to_group(group)
            form = InviteForm()
    else:
        status = 400
    if not is_htmx(request) and status != 200:
        context = _panel_context(request, group, membership, invite_form=form)
        return render(request, "web/groups/home.html", context, status=status)
    context = _panel_context(request, group, membership, invite_form=form, oob_flash=True)
    return render(request, "web/groups/_invites.html", context, status=status)


@login_required
@require_POST
def invite_revoke_view(request: HttpRequest, group_id: int, invite_id: int) -> HttpResponse:
    group, membership = access_group_admin(user=_user(request), group_id=group_id)
    invite = invite_revoke(actor=_user(request), group=group, invite_id=invite_id)
    messages.success(request, _("邀请 %(code)s 已撤销。") % {"code": invite.code})
    if not is_htmx(request):
        return _to_group(group)
    context = _panel_context(request, group, membership, oob_flash=True)
    return render(request, "web/groups/_invites.html", context)


@login_required
@require_POST
def member_role(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    target = membership_set_role(actor=_user(request), group=group, user_id=user_id, role=role)
    if target.role == Role.ADMIN:
        messages.success(request, _("已把 %(name)s 设为管理员。") % {"name": target.user})
    else:
        messages.success(request, _("已取消 %(name)s 的管理员身份。") % {"name": target.user})
    return _members_panel(request, group, membership)


@login_required
@require_POST
def member_remove(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    target = membership_remove(actor=_user(request), group=group, user_id=user_id)
    messages.success(request, _("已把 %(name)s 移出本群。") % {"name": target.user})
    return _members_panel(request, group, membership)


@login_required
@require_POST
def member_transfer(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group, _membership = access_group(user=_user(request), group_id=group_id)
    target = group_transfer_ownership(actor=_user(request), group=group, user_id=user_id)
    messages.success(
        request, _("已把群主转让给 %(name)s，你现在是管理员。") % {"name": target.user}
    )
    # The viewer's own role changed, so the whole page changes: reload it rather than a panel.
    return redirect("web:group_home", group_id=group.pk)  # htmx: an HX-Redirect (middleware)


@login_required
@require_POST
def group_leave(request: HttpRequest, group_id: int) -> HttpResponse:
    group, _membership = access_group(user=_user(request), group_id=group_id)
    membership_leave(user=_user(request), group=group)
    messages.success(request, _("你已退出“%(name)s”。") % {"name": group.name})
    return redirect("web:my_groups")


# --- settings and audit log ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_settings(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group_admin(user=_user(request), group_id=group_id)
    initial = {
        "name": group.name,
        "description": group.description,
        "rules": group.rules,
        "capacity": group.capacity,
        "invite_only": group.invite_only,
    }
    form = GroupForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                group_update_settings(
                    actor=_user(request),
                    group=group,
                    name=data["name"],
                    description=data["description"],
                    rules=data["rules"],
                    capacity=data["capacity"],
                    invite_only=data["invite_only"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(request, _("群设置已保存。"))
                return redirect("web:group_settings", group_id=group.pk)
        else:
            status = 400
    return render(
        request,
        "web/groups/settings.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "nav": "groups",
            "tab": "settings",
        },
        status=status,
    )


def _target_label(target_type: str) -> str:
    labels = {
        "group": _("群"),
        "invite": _("邀请"),
        "membership": _("成员"),
        "apitoken": _("API 令牌"),
    }
    return labels.get(target_type, target_type)


def _extra_items(extra: dict[str, Any]) -> list[tuple[str, str]]:
    """An audit row's JSON extra as key/value lines (nested values stay JSON)."""
    return [
        (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted((extra or {}).items())
    ]


@login_required
@require_GET
def group_audit(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group_admin(user=_user(request), group_id=group_id)
    page = Paginator(audit_events_for_group(group=group), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "event": event,
            "label": event.get_event_type_display(),
            "target": event.target_user
            or (
                f"{_target_label(event.target_type)} #{event.target_id}"
                if event.target_type
                else ""
            ),
            "extra": _extra_items(event.extra),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "web/groups/audit.html",
        {
            "group": group,
            "membership": membership,
            "page": page,
            "rows": rows,
            "nav": "groups",
            "tab": "audit",
        },
    )


# --- joining --------------------------------------------------------------------------------------


@require_GET
def join_by_code(request: HttpRequest) -> HttpResponse:
    """The "I have an invite code" form on My groups submits here."""
    # Codes are letters and digits; people paste them with spaces, dashes or the whole sentence.
    code = re.sub(r"[^A-Z0-9]", "", request.GET.get("code", "").upper())[:16]
    if not code:
        messages.error(request, _("请输入邀请码。"))
        return redirect("web:my_groups")
    return redirect("web:join", code=code)


def _is_member(user: User, group: Group) -> bool:
    try:
        access_group(user=user, group_id=group.pk)
    except NotFound:
        return False
    return True


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    invite = invite_lookup(code=code)  # unknown / revoked / expired / used up: the error page
    group = invite.group
    user = request.user
    if user.is_authenticated and _is_member(_user(request), group):
        messages.info(request, _("你已经是“%(name)s”的成员了。") % {"name": group.name})
        return _to_group(group)
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form.is_valid()  # a checkbox cannot be malformed
        try:
            group_join(
                user=_user(request),
                code=invite.code,
                accept_rules=form.cleaned_data.get("accept_rules", False),
            )
        except HuzhuError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            messages.success(request, _("欢迎加入“%(name)s”！") % {"name": group.name})
            return _to_group(group)
    return render(
        request,
        "web/groups/join.html",
        {"invite": invite, "group": group, "form": form, "nav": "groups"},
        status=status,
    )
