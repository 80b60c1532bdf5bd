"""Mutual-aid pages: request list, post form with live parse preview, detail (progress bar,
countdown, help / answer / accept / thank / close / dispute), help queue, ledger, fairness rules,
disputes, and the notifications page.

Views parse input, reach the group through the access helpers and call one service; typed
service errors become pages or htmx flashes through ``HuzhuErrorMiddleware``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huzhu.aid import selectors, services
from huzhu.aid.models import AidKind, AidRequest, AidStatus, Platform, QuestionCategory
from huzhu.aid.rules import RULE_LIMITS, aid_rules_get
from huzhu.core.errors import Conflict, HuzhuError, NotFound
from huzhu.groups.access import access_group
from huzhu.groups.models import Group, Membership
from huzhu.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_text,
    notifications_for_user,
)
from huzhu.web.forms import ServiceForm
from huzhu.web.middleware import is_htmx

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _ctx(group: Group, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"group": group, "membership": membership, "tab": "aid", "nav": "groups", **extra}


# The author learns why their phone number shows as 138****5678 (the screening engine hid it).
_REDACTED_NOTICE = gettext_lazy(
    "其中的个人信息（如手机号、微信号）已自动隐藏，群友只能看到打码后的内容。"
)


# --- forms -------------------------------------------------------------------------------------


class AidPostForm(ServiceForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=AidKind.choices, initial="groupbuy"
    )
    text = forms.CharField(
        label=gettext_lazy("分享口令或链接"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": gettext_lazy("把拼多多、淘宝、京东、美团的分享口令粘贴到这里"),
            }
        ),
    )
    title = forms.CharField(label=gettext_lazy("标题"), required=False, max_length=100)
    # Sent by the "仍然发布" button shown next to "join that one instead".
    post_anyway = forms.BooleanField(required=False)
    body = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    price = forms.DecimalField(
        label=gettext_lazy("价格（元）"), required=False, min_value=0, decimal_places=2
    )
    size = forms.IntegerField(
        label=gettext_lazy("成团人数"), required=False, min_value=2, max_value=10
    )
    needed = forms.IntegerField(
        label=gettext_lazy("需要助力次数"), required=False, min_value=1, max_value=100
    )
    category = forms.ChoiceField(
        label=gettext_lazy("求助分类"),
        required=False,
        choices=[("", "—"), *QuestionCategory.choices],
    )
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    error_fields: ClassVar[dict[str, str]] = {
        "missing_link": "text",
        "link_not_shopping": "text",
        "link_suspicious": "text",
        "invalid_title": "title",
        "invalid_body": "body",
        "invalid_size": "size",
        "invalid_needed": "needed",
        "invalid_category": "category",
        "invalid_price": "price",
    }


class AidEditForm(ServiceForm):
    """The fields a requester may change after posting, for one request: those of its kind, and
    the ones frozen by a first help shown disabled with the reason (``aid_request_frozen_fields``)."""

    title = forms.CharField(label=gettext_lazy("标题"), max_length=100)
    body = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    price = forms.DecimalField(
        label=gettext_lazy("价格（元）"), required=False, min_value=0, decimal_places=2
    )
    size = forms.IntegerField(label=gettext_lazy("成团人数"), min_value=2, max_value=10)
    needed = forms.IntegerField(label=gettext_lazy("需要助力次数"), min_value=1, max_value=100)
    category = forms.ChoiceField(label=gettext_lazy("求助分类"), choices=QuestionCategory.choices)

    error_fields: ClassVar[dict[str, str]] = {
        "invalid_title": "title",
        "invalid_body": "body",
        "invalid_price": "price",
        "invalid_size": "size",
        "invalid_needed": "needed",
        "invalid_category": "category",
    }
    kind_fields: ClassVar[dict[str, tuple[str, ...]]] = {
        AidKind.GROUPBUY: ("title", "body", "price", "size"),
        AidKind.BOOST: ("title", "body", "price", "needed"),
        AidKind.QUESTION: ("title", "category", "body"),
    }

    def __init__(self, *args: Any, aid_request: AidRequest, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {name: getattr(aid_request, name) for name in services.EDITABLE_FIELDS}
        )
        super().__init__(*args, **kwargs)
        keep = self.kind_fields[aid_request.kind]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, reason in services.aid_request_frozen_fields(aid_request).items():
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = reason

    def changes(self) -> dict[str, Any]:
        """What to send to ``aid_request_edit``: every field shown and not frozen."""
        return {
            name: self.cleaned_data.get(name)
            for name, field in self.fields.items()
            if not field.disabled
        }


class AnswerForm(ServiceForm):
    body = forms.CharField(
        label=gettext_lazy("我的回答"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    error_fields: ClassVar[dict[str, str]] = {"invalid_body": "body"}


class RulesForm(ServiceForm):
    help_before_post = forms.IntegerField(
        label=gettext_lazy("先帮后发：每次发布前需帮助几位群友（0 = 关闭）"),
        min_value=0,
        max_value=RULE_LIMITS["help_before_post"][1],
    )
    max_open_requests = forms.IntegerField(
        label=gettext_lazy("每人同时进行中的请求上限（0 = 不限）"),
        min_value=0,
        max_value=RULE_LIMITS["max_open_requests"][1],
    )
    max_requests_per_day = forms.IntegerField(
        label=gettext_lazy("每人每天最多发布（0 = 不限）"),
        min_value=0,
        max_value=RULE_LIMITS["max_requests_per_day"][1],
    )
    max_helps_per_day = forms.IntegerField(
        label=gettext_lazy("每人每天最多帮助（0 = 不限）"),
        min_value=0,
        max_value=RULE_LIMITS["max_helps_per_day"][1],
    )
    groupbuy_window_hours = forms.IntegerField(
        label=gettext_lazy("拼团 / 助力时限（小时，1–72）"), min_value=1, max_value=72
    )
    answer_weight = forms.IntegerField(
        label=gettext_lazy("回答被采纳获得的互助值"),
        min_value=1,
        max_value=RULE_LIMITS["answer_weight"][1],
    )


# --- list, post, preview -----------------------------------------------------------------------


@login_required
@require_GET
def aid_list(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    requests = list(
        selectors.aid_requests_list(user=_user(request), group=group, kind=kind, status=status)[
            :100
        ]
    )
    context = _ctx(
        group,
        membership,
        requests=requests,
        kind=kind,
        status=status,
        kinds=AidKind.choices,
        statuses=AidStatus.choices,
    )
    template = "web/aid/_list.html" if is_htmx(request) else "web/aid/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def aid_post(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    kind = request.GET.get("kind", "groupbuy")
    form = AidPostForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": kind if kind in AidKind.values else "groupbuy"},
    )
    status = 200
    same: AidRequest | None = None
    refusal = services.aid_post_allowance(user=_user(request), group=group)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                r = services.aid_request_post(
                    actor=_user(request),
                    group=group,
                    kind=data["kind"],
                    text=data["text"],
                    title=data["title"],
                    body=data["body"],
                    price=data["price"],
                    size=data["size"],
                    needed=data["needed"],
                    category=data["category"],
                    idempotency_key=data["idempotency_key"],
                    post_anyway=data["post_anyway"],
                )
            except Conflict as exc:
                if exc.code == "same_goods_open":
                    same = AidRequest.objects.filter(pk=exc.extra["existing_id"]).first()
                form.add_service_error(exc)
                status = exc.status
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                if r.publication == "held":
                    messages.warning(request, _("已提交，内容需要管理员审核后才会展示。"))
                elif r.screening_action == "redact":
                    messages.info(request, f"{_('已发布。')} {_REDACTED_NOTICE}")
                else:
                    messages.success(request, _("已发布。"))
                return redirect("web:aid_request", group_id=group.pk, request_id=r.pk)
        else:
            status = 400
    preview = None
    if form.is_bound and form.data.get("text"):
        preview = services.share_text_preview(text=form.data.get("text", ""))
    return render(
        request,
        "web/aid/post.html",
        _ctx(
            group,
            membership,
            form=form,
            same=same,
            refusal=refusal,
            preview=preview,
            platform_label=_platform_label(preview),
        ),
        status=status,
    )


@login_required
@require_POST
def aid_preview(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    text = request.POST.get("text", "")[:2000]
    preview = services.share_text_preview(text=text) if text.strip() else None
    return render(
        request,
        "web/aid/_preview.html",
        _ctx(group, membership, preview=preview, platform_label=_platform_label(preview)),
    )


def _platform_label(preview: Any) -> str:
    platform = getattr(preview, "platform", "")
    return str(Platform(platform).label) if platform in Platform.values else ""


# --- detail and actions ------------------------------------------------------------------------


def _detail_context(request: HttpRequest, group_id: int, request_id: int) -> dict[str, Any]:
    user = _user(request)
    r, membership = selectors.aid_request_get(user=user, request_id=request_id)
    if r.group_id != int(group_id):
        raise NotFound(_("没有找到这个请求。"))
    helps = list(selectors.request_helps(request=r))
    answers = list(selectors.request_answers(request=r, user=user))
    return _ctx(
        r.group,
        membership,
        r=r,
        helps=helps,
        answers=answers,
        is_requester=r.requester_id == user.pk,
        can_edit=r.requester_id == user.pk and services.aid_request_edit_refusal(r) is None,
        revisions=(
            list(selectors.aid_request_revisions(user=user, request=r, membership=membership))
            if r.edited_at and (r.requester_id == user.pk or membership.is_admin)
            else []
        ),
        my_help=next((h for h in helps if h.helper_id == user.pk), None),
        answer_form=AnswerForm(),
    )


@login_required
@require_GET
def aid_detail(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    # htmx asks for the body alone when a live "aid.updated" event says the request changed.
    template = "web/aid/_detail_body.html" if is_htmx(request) else "web/aid/detail.html"
    return render(request, template, _detail_context(request, group_id, request_id))


def _back_to_detail(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    if is_htmx(request):
        context = _detail_context(request, group_id, request_id)
        context["oob_flash"] = True
        return render(request, "web/aid/_detail_body.html", context)
    return redirect("web:aid_request", group_id=group_id, request_id=request_id)


def _masked(form: AidEditForm, edited: AidRequest) -> bool:
    """Whether the screening hid part of what was just typed (the stored text differs)."""
    data = form.cleaned_data
    return edited.screening_action == "redact" and (
        ("title" in data and edited.title != " ".join(data["title"].split()))
        or ("body" in data and edited.body != (data["body"] or "").strip())
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_edit(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    """The requester's edit form. On any refusal (screening, validation, a help that froze the
    size meanwhile) the form comes back with what they typed and the reason above it."""
    user = _user(request)
    r, membership = selectors.aid_request_for_edit(user=user, request_id=request_id)
    if r.group_id != int(group_id):
        raise NotFound(_("没有找到这个请求。"))
    form = AidEditForm(request.POST if request.method == "POST" else None, aid_request=r)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                edited = services.aid_request_edit(actor=user, request_id=r.pk, **form.changes())
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                if edited.publication == "held" and r.publication == "published":
                    messages.warning(request, _("修改已提交，内容需要管理员审核后才会重新展示。"))
                elif _masked(form, edited):
                    messages.info(request, f"{_('修改已保存。')} {_REDACTED_NOTICE}")
                else:
                    messages.success(request, _("修改已保存。"))
                return redirect("web:aid_request", group_id=r.group_id, request_id=r.pk)
        else:
            status = 400
    return render(
        request,
        "web/aid/edit.html",
        _ctx(
            r.group,
            membership,
            r=r,
            form=form,
            refusal=services.aid_request_edit_refusal(r),
        ),
        status=status,
    )


@login_required
@require_POST
def aid_help(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    services.help_give(
        actor=_user(request),
        request_id=request_id,
        idempotency_key=request.POST.get("idempotency_key", "")[:64],
    )
    messages.success(request, _("已记录你的帮助，谢谢！"))
    if request.POST.get("from") == "queue":
        if is_htmx(request):
            return _render_queue(request, group_id)
        return redirect("web:aid_queue", group_id=group_id)
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_answer(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回答内容。"))
        return _back_to_detail(request, group_id, request_id)
    try:
        answer = services.answer_post(
            actor=_user(request), request_id=request_id, body=form.cleaned_data["body"]
        )
    except HuzhuError as exc:
        if is_htmx(request):
            raise  # the answer box keeps its text on the page; the flash says why
        # Without JavaScript: the page again, the answer still in its box, the reason above it.
        context = _detail_context(request, group_id, request_id)
        form.add_service_error(exc)
        context["answer_form"] = form
        return render(request, "web/aid/detail.html", context, status=exc.status)
    if answer.publication == "held":
        messages.warning(request, _("回答已提交，需要管理员审核后才会展示。"))
    else:
        messages.success(request, _("回答已发布。"))
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_accept(
    request: HttpRequest, group_id: int, request_id: int, answer_id: int
) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    services.answer_accept(actor=_user(request), answer_id=answer_id)
    messages.success(request, _("已采纳这个回答，求助已解决。"))
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_thank(request: HttpRequest, group_id: int, request_id: int, user_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    services.request_thank(actor=_user(request), request_id=request_id, helper_id=user_id)
    messages.success(request, _("已送出感谢。"))
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_close(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    services.request_close(actor=_user(request), request_id=request_id)
    messages.success(request, _("已关闭。"))
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_dispute(request: HttpRequest, group_id: int, request_id: int, help_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    services.help_dispute(
        actor=_user(request), help_id=help_id, reason=request.POST.get("reason", "")[:300]
    )
    messages.info(request, _("已提交给管理员处理。"))
    return _back_to_detail(request, group_id, request_id)


@login_required
@require_POST
def aid_moderate(request: HttpRequest, group_id: int, request_id: int) -> HttpResponse:
    access_group(user=_user(request), group_id=group_id)
    approve = request.POST.get("approve") == "1"
    services.aid_request_moderate(actor=_user(request), request_id=request_id, approve=approve)
    messages.success(request, _("已发布。") if approve else _("已拒绝。"))
    return _back_to_detail(request, group_id, request_id)


# --- queue, ledger, rules, disputes ------------------------------------------------------------


@login_required
@require_GET
def aid_queue(request: HttpRequest, group_id: int) -> HttpResponse:
    return _render_queue(request, group_id)


def _render_queue(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    user = _user(request)
    owed = {c.user_id for c in selectors.whom_i_owe(user=user, group=group)}
    queue = selectors.help_queue(user=user, group=group)
    context = _ctx(group, membership, queue=queue, owed=owed, oob_flash=is_htmx(request))
    template = "web/aid/_queue.html" if is_htmx(request) else "web/aid/queue.html"
    return render(request, template, context)


@login_required
@require_GET
def aid_ledger(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    user = _user(request)
    return render(
        request,
        "web/aid/ledger.html",
        _ctx(
            group,
            membership,
            balances=selectors.ledger_balances(group=group, viewer=user),
            my_balance=selectors.ledger_balance(user=user, group=group),
            helped_me=selectors.who_helped_me(user=user, group=group),
            i_owe=selectors.whom_i_owe(user=user, group=group),
            profile=selectors.profile_given_received(user=user),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_rules(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    current = aid_rules_get(group=group)
    form = RulesForm(request.POST if request.method == "POST" else None, initial=current.as_dict())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.aid_rules_update(actor=_user(request), group=group, **form.cleaned_data)
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(request, _("互助规则已保存。"))
                return redirect("web:aid_rules", group_id=group.pk)
        else:
            status = 400
    return render(
        request,
        "web/aid/rules.html",
        _ctx(group, membership, form=form, rules=current, can_edit=membership.is_owner),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_disputes(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    if request.method == "POST":
        services.help_dispute_resolve(
            actor=_user(request),
            dispute_id=int(request.POST.get("dispute_id", "0") or 0)
            if request.POST.get("dispute_id", "").isdigit()
            else 0,
            upheld=request.POST.get("upheld") == "1",
        )
        messages.success(request, _("争议已处理。"))
        return redirect("web:aid_disputes", group_id=group.pk)
    disputes = selectors.open_disputes(user=_user(request), group=group)
    return render(request, "web/aid/disputes.html", _ctx(group, membership, disputes=disputes))


@login_required
@require_GET
def aid_member(request: HttpRequest, user_id: int) -> HttpResponse:
    person, rows = selectors.member_profile(viewer=_user(request), user_id=user_id)
    return render(request, "web/aid/member.html", {"person": person, "rows": rows, "nav": "groups"})


# --- notifications -----------------------------------------------------------------------------


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    items = [
        {"n": n, "text": notification_text(notification=n)}
        for n in notifications_for_user(user=_user(request))[:100]
    ]
    return render(request, "web/aid/notifications.html", {"items": items, "nav": "notifications"})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    notification_id = request.POST.get("id", "")
    if notification_id.isdigit():
        n = notification_mark_read(user=_user(request), notification_id=int(notification_id))
        if n.url and n.url.startswith("/"):
            return redirect(n.url)
    else:
        notification_mark_all_read(user=_user(request))
    return redirect(reverse("web:notifications"))
