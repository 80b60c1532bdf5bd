"""Resource pages: a group's resources, share form (with similar items shown while typing),
detail (confirm 仍有效 / 已失效 / 价格变了, share text for WeChat with its QR code, re-share into
another group, edit, delete), and the member's savings.

Views parse input, reach groups through the access helpers and call one service each; typed
service errors are shown next to their field or as a flash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huzhu.core.errors import HuzhuError
from huzhu.groups.access import access_group
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.resources import savings, services
from huzhu.resources.models import ConfirmVerdict, Resource, ResourceKind
from huzhu.web.forms import ServiceForm
from huzhu.web.middleware import is_htmx

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class ResourceForm(ServiceForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), choices=ResourceKind.choices, initial="deal"
    )
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy("内容"),
        required=False,
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    tags = forms.CharField(
        label=gettext_lazy("标签"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("用逗号或空格分隔，最多 8 个"),
    )
    link = forms.CharField(
        label=gettext_lazy("链接"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("分享者参数会被自动去除，只保存干净链接。"),
    )
    price = forms.DecimalField(
        label=gettext_lazy("到手价（元）"), required=False, min_value=0, decimal_places=2
    )
    original_price = forms.DecimalField(
        label=gettext_lazy("原价（元）"), required=False, min_value=0, decimal_places=2
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("有效期至"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    error_fields: ClassVar[dict[str, str]] = {
        "invalid_kind": "kind",
        "missing_title": "title",
        "title_too_long": "title",
        "body_too_long": "body",
        "invalid_tag": "tags",
        "too_many_tags": "tags",
        "invalid_link": "link",
        "link_suspicious": "link",
        "link_not_shopping": "link",
        "missing_price": "price",
        "invalid_price": "price",
    }


class ConfirmForm(forms.Form):
    verdict = forms.ChoiceField(choices=ConfirmVerdict.choices)
    new_price = forms.DecimalField(required=False, min_value=0, decimal_places=2)
    bought = forms.BooleanField(required=False)


def _ctx(request: HttpRequest, group: Any, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"group": group, "membership": membership, "tab": "resources", "nav": "groups", **extra}


@login_required
@require_GET
def resource_list(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    tag = request.GET.get("tag", "").strip()[: services.TAG_MAX]
    include_expired = request.GET.get("expired") == "1"
    items = services.resources_visible(
        user=_user(request), group=group, kind=kind, tag=tag, include_expired=include_expired
    )[:100]
    return render(
        request,
        "web/resources/list.html",
        _ctx(
            request,
            group,
            membership,
            items=items,
            kind=kind,
            tag=tag,
            include_expired=include_expired,
            kinds=ResourceKind.choices,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_share_view(request: HttpRequest, group_id: int) -> HttpResponse:
    group, membership = access_group(user=_user(request), group_id=group_id)
    kind = request.GET.get("kind", "deal")
    form = ResourceForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": kind if kind in ResourceKind.values else "deal"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                resource = services.resource_share(
                    actor=_user(request),
                    group=group,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    link=data["link"],
                    price=data["price"],
                    original_price=data["original_price"],
                    valid_until=data["valid_until"],
                    idempotency_key=data["idempotency_key"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                if resource.publication == "held":
                    messages.warning(request, _("已提交，内容需要管理员审核后才会展示。"))
                else:
                    messages.success(request, _("已分享。"))
                return redirect("web:resource_detail", resource_id=resource.pk)
        else:
            status = 400
    return render(
        request,
        "web/resources/share.html",
        _ctx(request, group, membership, form=form),
        status=status,
    )


def _other_groups(user: User, resource: Resource) -> list[Any]:
    return [
        m.group
        for m in Membership.objects.select_related("group")
        .filter(user=user, status=MembershipStatus.ACTIVE)
        .exclude(group_id=resource.group_id)
        .order_by("group__name")
    ]


def _detail_ctx(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    group, membership = access_group(user=_user(request), group_id=resource.group_id)
    return _ctx(
        request,
        group,
        membership,
        resource=resource,
        stale=services.resource_is_stale(resource),
        mine=services.resource_my_confirmation(user=_user(request), resource=resource),
        share_text=services.resource_share_text(resource=resource),
        other_groups=_other_groups(_user(request), resource),
        can_delete=resource.author_id == _user(request).pk or membership.is_admin,
    )


@login_required
@require_GET
def resource_detail(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = services.resource_get(user=_user(request), resource_id=resource_id)
    return render(request, "web/resources/detail.html", _detail_ctx(request, resource))


@login_required
@require_POST
def resource_confirm_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise HuzhuError(_("请选择：仍有效、已失效或价格变了。"), code="invalid_verdict")
    data = form.cleaned_data
    resource = services.resource_confirm(
        actor=_user(request),
        resource_id=resource_id,
        verdict=data["verdict"],
        new_price=data["new_price"],
        bought=data["bought"],
    )
    if is_htmx(request):
        return render(request, "web/resources/_confirm.html", _detail_ctx(request, resource))
    messages.success(request, _("谢谢确认！"))
    return redirect("web:resource_detail", resource_id=resource.pk)


@login_required
@require_POST
def resource_reshare_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    copy = services.resource_reshare(
        actor=_user(request),
        resource_id=resource_id,
        group_id=request.POST.get("group_id", ""),
        idempotency_key=request.POST.get("idempotency_key", "")[:64],
    )
    if copy.publication == "held":
        messages.warning(request, _("已转发，内容需要那个群的管理员审核后才会展示。"))
    else:
        messages.success(request, _("已转发到「%(group)s」。") % {"group": copy.group.name})
    return redirect("web:resource_detail", resource_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = services.resource_get(user=_user(request), resource_id=resource_id)
    group, membership = access_group(user=_user(request), group_id=resource.group_id)
    initial = {
        "kind": resource.kind,
        "title": resource.title,
        "body": resource.body,
        "tags": " ".join(resource.tag_list),
        "link": resource.link,
        "price": resource.price,
        "original_price": resource.original_price,
        "valid_until": resource.valid_until,
    }
    form = ResourceForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.resource_edit(
                    actor=_user(request),
                    resource_id=resource.pk,
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    link=data["link"] if resource.kind == ResourceKind.DEAL else None,
                    price=data["price"],
                    original_price=data["original_price"],
                    valid_until=data["valid_until"],
                    clear_valid_until=data["valid_until"] is None,
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                messages.success(request, _("已保存。"))
                return redirect("web:resource_detail", resource_id=resource.pk)
        else:
            status = 400
    return render(
        request,
        "web/resources/share.html",
        _ctx(request, group, membership, form=form, resource=resource, editing=True),
        status=status,
    )


@login_required
@require_POST
def resource_delete_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = services.resource_delete(actor=_user(request), resource_id=resource_id)
    messages.success(request, _("已删除。"))
    return redirect("web:resource_list", group_id=resource.group_id)


@login_required
@require_GET
def resource_qr_view(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = services.resource_get(user=_user(request), resource_id=resource_id)
    response = HttpResponse(services.resource_qr_png(resource=resource), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def my_savings(request: HttpRequest) -> HttpResponse:
    result = savings.savings_for_member(user=_user(request))
    names = dict(
        Membership.objects.filter(user=_user(request))
        .select_related("group")
        .values_list("group_id", "group__name")
    )
    rows = sorted(
        ((names.get(gid, "?"), amount) for gid, amount in result.by_group.items()),
        key=lambda row: -row[1],
    )
    return render(
        request,
        "web/resources/savings.html",
        {"savings": result, "rows": rows, "nav": "savings"},
    )
