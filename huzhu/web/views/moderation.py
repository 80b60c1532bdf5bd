"""Trust-and-safety pages: the report dialog, the group's review queue (claim, approve, remove,
remove and sanction, dismiss), moderation settings (threshold, escalation ladder), the member's
sanctions with appeal, appeal decisions, standing ("your level and how to rise") and fact-check
notes on an item.

Views parse input, reach the group through the access helpers and call one service; typed service
errors become pages or htmx flashes through ``HuzhuErrorMiddleware``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huzhu.accounts.models import User
from huzhu.core.errors import HuzhuError, NotFound
from huzhu.groups.access import access_group
from huzhu.groups.models import Group, Membership
from huzhu.moderation import (
    appeals,
    banlists,
    factcheck,
    member_notes,
    reports,
    review,
    sanctions,
)
from huzhu.moderation.access import access_moderator
from huzhu.moderation.contracts import content_adapter_for
from huzhu.moderation.group_config import moderation_config
from huzhu.moderation.models import (
    NoteTag,
    ReportReason,
    ReviewStatus,
    SanctionKind,
    SanctionReason,
)
from huzhu.moderation.standing import standing_for
from huzhu.moderation.targets import target_resolve
from huzhu.web.forms import ServiceForm
from huzhu.web.middleware import is_htmx

if TYPE_CHECKING:
    from huzhu.moderation.models import ReviewItem

MAX_LADDER_STEPS = 6
GROUP_SANCTION_KINDS = [(k, lbl) for k, lbl in SanctionKind.choices if k != "platform_ban"]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _ctx(group: Group, membership: Membership | None, tab: str, **extra: Any) -> dict[str, Any]:
    return {"group": group, "membership": membership, "tab": tab, "nav": "groups", **extra}


# --- forms -------------------------------------------------------------------------------------


class ReportForm(ServiceForm):
    reason = forms.ChoiceField(
        label=gettext_lazy("举报原因"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("补充说明（选填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    error_fields = {"invalid_reason": "reason", "text_too_long": "text"}


class AppealForm(ServiceForm):
    text = forms.CharField(
        label=gettext_lazy("申诉理由"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    error_fields = {"invalid_text": "text"}


class DecideForm(ServiceForm):
    grant = forms.TypedChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[("1", gettext_lazy("申诉成立，撤销处罚")), ("0", gettext_lazy("维持处罚"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("处理说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(ServiceForm):
    tag = forms.ChoiceField(label=gettext_lazy("标签"), choices=NoteTag.choices)
    text = forms.CharField(
        label=gettext_lazy("核实内容"),
        min_length=5,
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    error_fields = {"invalid_text": "text", "invalid_tag": "tag"}


class MemberNoteForm(ServiceForm):
    text = forms.CharField(
        label=gettext_lazy("备注（仅管理员可见）"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SettingsForm(ServiceForm):
    hide_threshold = forms.FloatField(
        label=gettext_lazy("隐藏阈值"),
        min_value=0.5,
        max_value=20,
        help_text=gettext_lazy(
            "举报按举报人的信用加权；权重之和达到这个值时，内容先隐藏，等待管理员审核。"
            "普通成员的权重约为 1。"
        ),
    )
    ladder_window_days = forms.IntegerField(
        label=gettext_lazy("处罚累计天数"),
        min_value=1,
        max_value=365,
        help_text=gettext_lazy("统计最近多少天内的处罚来决定下一步处罚。"),
    )
    warning_days = forms.IntegerField(
        label=gettext_lazy("警告有效天数"), min_value=1, max_value=365
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [("", gettext_lazy("（不使用）")), *GROUP_SANCTION_KINDS]
        for i in range(1, MAX_LADDER_STEPS + 1):
            self.fields[f"step_{i}_kind"] = forms.ChoiceField(
                label=_("第 %(n)d 次") % {"n": i}, choices=kinds, required=False
            )
            self.fields[f"step_{i}_hours"] = forms.IntegerField(
                label=_("禁言小时数"), required=False, min_value=1, max_value=24 * 365
            )

    def steps(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"step_{i}_kind"], self[f"step_{i}_hours"])
            for i in range(1, MAX_LADDER_STEPS + 1)
        ]

    def ladder(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, MAX_LADDER_STEPS + 1):
            kind = self.cleaned_data.get(f"step_{i}_kind")
            if not kind:
                continue
            step: dict[str, Any] = {"kind": kind}
            if kind == "mute":
                step["hours"] = self.cleaned_data.get(f"step_{i}_hours") or 24
            out.append(step)
        return out


def _settings_initial(group: Group) -> dict[str, Any]:
    config = moderation_config(group=group)
    initial: dict[str, Any] = {
        "hide_threshold": config.hide_threshold,
        "ladder_window_days": config.ladder_window_days,
        "warning_days": config.warning_days,
    }
    for i, step in enumerate(config.ladder[:MAX_LADDER_STEPS], start=1):
        initial[f"step_{i}_kind"] = step["kind"]
        initial[f"step_{i}_hours"] = step.get("hours")
    return initial


# --- report dialog -----------------------------------------------------------------------------


def _back_url(request: HttpRequest, default: str = "") -> str:
    """``next`` if it points into this site (never ``javascript:`` or another host), else default."""
    target = request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _report_render(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    template = "web/moderation/_report.html" if is_htmx(request) else "web/moderation/report.html"
    return render(request, template, context, status=status)


def _report_submit(
    request: HttpRequest, context: dict[str, Any], form: ReportForm, **target: Any
) -> HttpResponse:
    """Files the report on a valid POST; service errors land on the form, what was typed stays."""
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_create(
                **target, reason=form.cleaned_data["reason"], text=form.cleaned_data["text"]
            )
        except HuzhuError as exc:
            if exc.status == 429 or exc.code == "already_reported":
                raise
            form.add_service_error(exc)
        else:
            context["done"] = True
    return _report_render(request, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def report_content(request: HttpRequest, target_type: str, target_id: int) -> HttpResponse:
    """Report a message, request, answer or resource (an htmx dialog, or a page without JS)."""
    user = _user(request)
    target = target_resolve(viewer=user, target_type=target_type, target_id=target_id)
    adapter = content_adapter_for(target)
    assert adapter is not None
    group, membership = access_group(user=user, group_id=adapter.group_id(target))
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = _ctx(
        group,
        membership,
        "",
        form=form,
        what=adapter.label,
        excerpt=adapter.text(target)[:200],
        author=adapter.author(target),
        action_url=request.path,
        back_url=_back_url(request, adapter.url(target)),
        done=False,
    )
    return _report_submit(request, context, form, actor=user, target=target)


@login_required
@require_http_methods(["GET", "POST"])
def report_member(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_group(user=user, group_id=group_id)
    member = User.objects.filter(pk=user_id, memberships__group=group).first()
    if member is None:
        raise NotFound(_("没有找到这位成员。"))
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = _ctx(
        group,
        membership,
        "",
        form=form,
        what=_("成员"),
        excerpt=member.display_name,
        author=member,
        action_url=request.path,
        back_url=_back_url(request),
        done=False,
    )
    return _report_submit(request, context, form, actor=user, member=member, group=group)


# --- review queue ------------------------------------------------------------------------------


def _item_context(
    item: ReviewItem, actor: User, detail: review.ReviewDetail | None = None
) -> dict[str, Any]:
    detail = detail or review.review_item_detail(actor=actor, item_id=item.pk)
    age = timezone.now() - item.created_at
    return {
        "item": detail.item,
        "detail": detail,
        "age_minutes": int(age.total_seconds() // 60),
        "claimed_by_me": detail.item.claimed_by_id == actor.pk,
        "sanction_kinds": GROUP_SANCTION_KINDS,
    }


@login_required
@require_GET
def queue_page(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_moderator(user=user, group_id=group_id)
    status = request.GET.get("status", ReviewStatus.OPEN)
    if status not in ReviewStatus.values:
        status = ReviewStatus.OPEN
    items = list(review.review_queue(actor=user, group=group, status=status)[:50])
    context = _ctx(
        group,
        membership,
        "moderation",
        rows=[
            _item_context(d.item, user, d)
            for d in review.review_items_details(actor=user, group=group, items=items)
        ],
        status=status,
        statuses=ReviewStatus.choices,
        pending_appeals=appeals.appeals_pending(actor=user, group=group).count(),
    )
    return render(request, "web/moderation/queue.html", context)


@login_required
@require_GET
def platform_queue_page(request: HttpRequest) -> HttpResponse:
    """Staff: every group's open items, highest score first, linking to each group's queue."""
    items = list(review.review_queue_platform(actor=_user(request))[:100])
    return render(request, "web/moderation/platform_queue.html", {"items": items, "nav": ""})


def _item_response(request: HttpRequest, item_id: int, flash: str) -> HttpResponse:
    user = _user(request)
    detail = review.review_item_detail(actor=user, item_id=item_id)
    messages.success(request, flash)
    if is_htmx(request):
        context = {**_item_context(detail.item, user), "oob_flash": True}
        return render(request, "web/moderation/_item.html", context)
    return redirect("web:mod_queue", group_id=detail.item.group_id)


@login_required
@require_POST
def item_claim(request: HttpRequest, item_id: int) -> HttpResponse:
    release = request.POST.get("release") == "1"
    review.review_item_claim(actor=_user(request), item_id=item_id, release=release)
    return _item_response(request, item_id, _("已放弃认领。") if release else _("已认领。"))


@login_required
@require_POST
def item_resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    post = request.POST
    hours = post.get("sanction_hours", "")
    item = review.review_item_resolve(
        actor=_user(request),
        item_id=item_id,
        action=post.get("action", ""),
        note=post.get("note", "")[:300],
        sanction_kind=post.get("sanction_kind") or None,
        sanction_hours=int(hours) if hours.isdigit() else None,
    )
    done = {
        ReviewStatus.APPROVED: _("已通过，内容恢复显示。"),
        ReviewStatus.REMOVED: _("已删除。"),
        ReviewStatus.DISMISSED: _("已驳回举报。"),
    }
    return _item_response(request, item_id, done.get(item.status, _("已处理。")))  # type: ignore[call-overload]


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_moderator(user=user, group_id=group_id)
    is_owner = membership is not None and membership.is_owner
    form = SettingsForm(
        request.POST if request.method == "POST" and is_owner else None,
        initial=_settings_initial(group),
    )
    if request.method == "POST":
        if not is_owner:
            from huzhu.core.errors import Forbidden

            raise Forbidden(_("只有群主可以修改处罚设置。"))
        ban_action = request.POST.get("ban_list_action")
        if ban_action:
            _ban_list_action(request, group, ban_action)
            return redirect("web:mod_settings", group_id=group.pk)
        if form.is_valid():
            try:
                sanctions.moderation_settings_update(
                    actor=user,
                    group=group,
                    hide_threshold=form.cleaned_data["hide_threshold"],
                    ladder=form.ladder(),
                    ladder_window_days=form.cleaned_data["ladder_window_days"],
                    warning_days=form.cleaned_data["warning_days"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("审核与处罚设置已保存。"))
                return redirect("web:mod_settings", group_id=group.pk)
    ban_lists = banlists.ban_lists_for_group(actor=user, group=group) if is_owner else []
    context = _ctx(
        group, membership, "moderation", form=form, is_owner=is_owner, ban_lists=ban_lists
    )
    return render(
        request, "web/moderation/settings.html", context, status=400 if form.errors else 200
    )


def _ban_list_action(request: HttpRequest, group: Group, action: str) -> None:
    """Create a shared ban list with this group, join one by its code, or leave one."""
    user = _user(request)
    post = request.POST
    if action == "create":
        banlists.ban_list_create(actor=user, group=group, name=post.get("name", "")[:60])
        messages.success(request, _("共享封禁名单已创建。把加入码发给其他群主，他们的群就能加入。"))
    elif action == "join":
        banlists.ban_list_subscribe(actor=user, group=group, join_code=post.get("code", "")[:16])
        messages.success(request, _("已加入共享封禁名单，名单上的成员已被禁止入群。"))
    elif action == "leave":
        list_id = post.get("ban_list_id", "")
        banlists.ban_list_unsubscribe(
            actor=user, group=group, ban_list_id=int(list_id) if list_id.isdigit() else 0
        )
        messages.success(request, _("已退出共享封禁名单。"))


@login_required
@require_http_methods(["GET", "POST"])
def member_page(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    """A member seen by moderators: standing, sanctions, private notes; sanction form."""
    user = _user(request)
    group, membership = access_moderator(user=user, group_id=group_id)
    member = User.objects.filter(pk=user_id, memberships__group=group).first()
    if member is None:
        raise NotFound(_("没有找到这位成员。"))
    note_form = MemberNoteForm(request.POST if request.POST.get("form") == "note" else None)
    if request.method == "POST":
        if request.POST.get("form") == "note" and note_form.is_valid():
            member_notes.member_note_add(
                actor=user, group=group, member=member, text=note_form.cleaned_data["text"]
            )
            messages.success(request, _("备注已保存。"))
            return redirect("web:mod_member", group_id=group.pk, user_id=member.pk)
        if request.POST.get("form") == "platform_ban":
            sanctions.platform_ban(
                actor=user,
                user=member,
                reason=request.POST.get("reason", ""),
                text=request.POST.get("text", "")[:500],
            )
            messages.success(request, _("账号已封禁，不能再登录。"))
            return redirect("web:mod_member", group_id=group.pk, user_id=member.pk)
        if request.POST.get("form") == "sanction":
            hours = request.POST.get("hours", "")
            sanctions.sanction_issue(
                actor=user,
                group=group,
                user=member,
                kind=request.POST.get("kind") or None,
                hours=int(hours) if hours.isdigit() else None,
                reason=request.POST.get("reason", ""),
                text=request.POST.get("text", "")[:500],
            )
            messages.success(request, _("处罚已生效，成员会收到通知。"))
            return redirect("web:mod_member", group_id=group.pk, user_id=member.pk)
    _step_index, step = sanctions.ladder_next_step(group=group, user=member)
    context = _ctx(
        group,
        membership,
        "moderation",
        member=member,
        standing=standing_for(user=member, group=group),
        member_sanctions=sanctions.sanctions_in_group(actor=user, group=group, user=member),
        notes=member_notes.member_notes_list(actor=user, group=group, member=member),
        note_form=note_form,
        next_step_label=_sanction_step_label(step),
        sanction_kinds=GROUP_SANCTION_KINDS,
        sanction_reasons=SanctionReason.choices,
    )
    return render(request, "web/moderation/member.html", context)


def _sanction_step_label(step: dict[str, Any]) -> str:
    label = str(SanctionKind(step["kind"]).label)
    if step.get("hours"):
        return _("%(kind)s %(hours)d 小时") % {"kind": label, "hours": step["hours"]}
    return label


# --- sanctions and appeals ---------------------------------------------------------------------


@login_required
@require_GET
def my_sanctions(request: HttpRequest) -> HttpResponse:
    rows = list(sanctions.sanctions_for_user(user=_user(request)))
    return render(
        request,
        "web/moderation/my_sanctions.html",
        {"rows": rows, "nav": "groups", "appeal_form": AppealForm()},
    )


@login_required
@require_POST
def appeal_file(request: HttpRequest, sanction_id: int) -> HttpResponse:
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请用 5 到 1000 个字说明申诉理由。"))
        return redirect("web:my_sanctions")
    appeals.appeal_file(
        actor=_user(request), sanction_id=sanction_id, text=form.cleaned_data["text"]
    )
    messages.success(request, _("申诉已提交，将由另一位管理员处理。"))
    return redirect("web:my_sanctions")


@login_required
@require_GET
def appeals_page(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_moderator(user=user, group_id=group_id)
    context = _ctx(
        group, membership, "moderation", appeals=appeals.appeals_pending(actor=user, group=group)
    )
    return render(request, "web/moderation/appeals.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, group_id: int, appeal_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_moderator(user=user, group_id=group_id)
    appeal = appeals.appeal_for_moderator(actor=user, group=group, appeal_id=appeal_id)
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        appeals.appeal_decide(
            actor=user,
            appeal_id=appeal.pk,
            grant=form.cleaned_data["grant"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("申诉已处理，成员会收到通知。"))
        return redirect("web:mod_appeals", group_id=group.pk)
    own = appeal.sanction.issued_by_id == user.pk
    context = _ctx(group, membership, "moderation", appeal=appeal, form=form, own=own)
    return render(request, "web/moderation/appeal.html", context)


# --- standing ----------------------------------------------------------------------------------


@login_required
@require_GET
def standing_page(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _user(request)
    group, membership = access_group(user=user, group_id=group_id)
    standing = standing_for(user=user, group=group)
    context = _ctx(
        group,
        membership,
        "standing",
        standing=standing,
        how_to_rise=standing.how_to_rise(),
        component_labels=[
            (_("帮助群友"), standing.components.get("helps", 0)),
            (_("回答被采纳"), standing.components.get("accepted_answers", 0)),
            (_("在群天数"), standing.components.get("days", 0)),
            (_("内容被删除"), standing.components.get("removed_content", 0)),
            (_("处罚"), standing.components.get("sanctions", 0)),
            (_("举报准确度"), standing.components.get("report_accuracy", 0)),
        ],
    )
    return render(request, "web/moderation/standing.html", context)


# --- fact-check notes --------------------------------------------------------------------------


def _notes_render(
    request: HttpRequest, target_type: str, target_id: int, form: NoteForm | None = None
) -> HttpResponse:
    user = _user(request)
    target = target_resolve(viewer=user, target_type=target_type, target_id=target_id)
    view = factcheck.notes_for_target(viewer=user, target=target)
    context = {
        "view": view,
        "form": form or NoteForm(),
        "target_type": target_type,
        "target_id": target_id,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "web/moderation/_notes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notes_panel(request: HttpRequest, target_type: str, target_id: int) -> HttpResponse:
    """The notes panel an item page loads with htmx; also takes a new note."""
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            target = target_resolve(
                viewer=_user(request), target_type=target_type, target_id=target_id
            )
            try:
                factcheck.note_write(
                    actor=_user(request),
                    target=target,
                    tag=form.cleaned_data["tag"],
                    text=form.cleaned_data["text"],
                )
            except HuzhuError as exc:
                if exc.status in (403, 409):
                    raise
                form.add_service_error(exc)
            else:
                return _notes_render(request, target_type, target_id)
        return _notes_render(request, target_type, target_id, form)
    return _notes_render(request, target_type, target_id)


@login_required
@require_POST
def note_rate(request: HttpRequest, note_id: int) -> HttpResponse:
    note = factcheck.note_rate(
        actor=_user(request), note_id=note_id, helpful=request.POST.get("helpful") == "1"
    )
    from huzhu.moderation.targets import target_type_of

    target = note.target
    return _notes_render(request, target_type_of(target), note.object_id)
