"""Healthy-use pages: the "我的" menu, my usage (with charts), my limits, the self-chosen lock,
weekly reports, digests, the heartbeat the pages send, nudges for the post form, and the group
owner's quiet hours and aggregate figures.

Every page here shows the signed-in member's own data only; the group page shows aggregates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huzhu.core.errors import HuzhuError
from huzhu.groups.access import access_group_owner
from huzhu.groups.models import Membership, MembershipStatus, Role
from huzhu.web.forms import ServiceForm
from huzhu.web.views.search import hit_url
from huzhu.wellbeing import charts, reports
from huzhu.wellbeing.clock import local_day
from huzhu.wellbeing.group import (
    MIN_CONTRIBUTORS,
    MIN_GROUP_SIZE,
    group_quiet_hours_get,
    group_quiet_hours_update,
    group_wellbeing_figures,
)
from huzhu.wellbeing.models import WeeklyReport
from huzhu.wellbeing.nudges import wellbeing_nudges
from huzhu.wellbeing.selectors import usage_by_day, wellbeing_settings_get
from huzhu.wellbeing.services import (
    wellbeing_digest_get,
    wellbeing_heartbeat,
    wellbeing_lock_until_tomorrow,
    wellbeing_locked_until,
    wellbeing_settings_update,
    wellbeing_waiting_count,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User

CHART_DAYS = 14


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _owned_groups(user: User) -> list[Any]:
    return [
        m.group
        for m in Membership.objects.filter(
            user_id=user.pk, role=Role.OWNER, status=MembershipStatus.ACTIVE
        ).select_related("group")
    ]


# --- forms -------------------------------------------------------------------------------------


class LimitsForm(ServiceForm):
    daily_minutes_budget = forms.IntegerField(
        label=gettext_lazy("每日使用时长（分钟）"),
        required=False,
        min_value=1,
        max_value=1440,
        help_text=gettext_lazy("到 80% 和 100% 时提醒你。留空表示不设。"),
    )
    daily_request_budget = forms.IntegerField(
        label=gettext_lazy("每日最多发几条求助"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=gettext_lazy("超过时只提醒，不阻止。"),
    )
    question_nudge_at = forms.IntegerField(
        label=gettext_lazy("当天第几条求助起，先推荐相关内容"),
        min_value=1,
        max_value=50,
        initial=3,
    )
    quiet_start = forms.TimeField(
        label=gettext_lazy("免打扰开始"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("免打扰结束"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("这段时间不推送通知，结束后汇总给你。"),
    )
    digest_mode = forms.BooleanField(
        label=gettext_lazy("每日汇总：不实时通知，每天汇总一次"), required=False
    )
    digest_hour = forms.IntegerField(
        label=gettext_lazy("汇总时间（0–23 点）"), min_value=0, max_value=23, initial=20
    )
    error_fields: ClassVar[dict[str, str]] = {
        "invalid_minutes_budget": "daily_minutes_budget",
        "invalid_request_budget": "daily_request_budget",
        "invalid_quiet_hours": "quiet_start",
        "invalid_digest_hour": "digest_hour",
        "invalid_question_nudge_at": "question_nudge_at",
    }


class GroupQuietHoursForm(ServiceForm):
    start = forms.TimeField(
        label=gettext_lazy("开始"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=gettext_lazy("结束"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    error_fields: ClassVar[dict[str, str]] = {"invalid_quiet_hours": "start"}


# --- pages -------------------------------------------------------------------------------------


@login_required
@require_GET
def me_page(request: HttpRequest) -> HttpResponse:
    """The "我的" menu: one header entry instead of several on a 360 px phone."""
    return render(
        request,
        "web/wellbeing/me.html",
        {"nav": "me", "owned_groups": _owned_groups(_user(request))},
    )


def _usage_context(user: User) -> dict[str, Any]:
    now = timezone.now()
    prefs = wellbeing_settings_get(user=user)
    today = local_day(now, prefs.time_zone)
    first = today - timedelta(days=CHART_DAYS - 1)
    totals = usage_by_day(user=user, first=first, last=today, tz=prefs.time_zone)
    today_figures = totals.days[-1]
    week = totals.days[-7:]
    budget = prefs.daily_minutes_budget
    labels = [f"{d.day.month}/{d.day.day}" if i % 2 == 0 else "" for i, d in enumerate(totals.days)]
    minutes = [round(d.active_seconds / 60, 1) for d in totals.days]
    return {
        "prefs": prefs,
        "today": today_figures,
        "week": {
            "minutes": sum(d.active_seconds for d in week) // 60,
            "given": sum(d.helps_given for d in week),
            "received": sum(d.helps_received for d in week),
            "posted": sum(d.requests_posted for d in week),
            "messages": sum(d.messages_sent for d in week),
        },
        "meter": charts.meter(
            value=today_figures.active_seconds / 60,
            limit=budget,
            label=_("今天 %(used)d / %(budget)d 分钟")
            % {"used": today_figures.minutes, "budget": budget},
        )
        if budget
        else None,
        "minutes_chart": charts.bar_chart(
            labels=labels,
            series=[charts.Series(_("分钟"), minutes)],
            label=_("最近 %(n)d 天每天的使用分钟数：%(values)s")
            % {"n": CHART_DAYS, "values": "、".join(f"{m:g}" for m in minutes)},
            unit=_("分钟"),
            limit=budget,
            limit_label=_("每日时长"),
        ),
        "balance_chart": charts.bar_chart(
            labels=labels,
            series=[
                charts.Series(_("帮助别人"), [d.helps_given for d in totals.days], charts.GREEN),
                charts.Series(
                    _("得到帮助"), [d.helps_received for d in totals.days], charts.ORANGE
                ),
            ],
            label=_("最近 %(n)d 天帮助别人与得到帮助的次数") % {"n": CHART_DAYS},
        ),
        "locked_until": wellbeing_locked_until(user=user, at=now),
        "waiting": wellbeing_waiting_count(user=user),
        "nudges": wellbeing_nudges(user=user, at=now),
        "owned_groups": _owned_groups(user),
    }


@login_required
@require_GET
def usage_page(request: HttpRequest) -> HttpResponse:
    context = _usage_context(_user(request))
    return render(request, "web/wellbeing/usage.html", {"nav": "me", **context})


@login_required
@require_http_methods(["GET", "POST"])
def limits_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    prefs = wellbeing_settings_get(user=user)
    if request.method == "POST":
        form = LimitsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                wellbeing_settings_update(
                    user=user,
                    daily_minutes_budget=data["daily_minutes_budget"],
                    daily_request_budget=data["daily_request_budget"],
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    digest_mode=data["digest_mode"],
                    digest_hour=data["digest_hour"],
                    question_nudge_at=data["question_nudge_at"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已保存你的使用限制。"))
                return redirect("web:wellbeing")
    else:
        form = LimitsForm(
            initial={
                "daily_minutes_budget": prefs.daily_minutes_budget,
                "daily_request_budget": prefs.daily_request_budget,
                "question_nudge_at": prefs.question_nudge_at,
                "quiet_start": prefs.quiet_start,
                "quiet_end": prefs.quiet_end,
                "digest_mode": prefs.digest_mode,
                "digest_hour": prefs.digest_hour,
            }
        )
    return render(request, "web/wellbeing/limits.html", {"nav": "me", "form": form, "prefs": prefs})


@login_required
@require_POST
def lock_view(request: HttpRequest) -> HttpResponse:
    """Only the member can lock themselves out, and only after ticking the confirmation."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请先勾选确认。"))
        return redirect("web:wellbeing")
    wellbeing_lock_until_tomorrow(user=_user(request), at=timezone.now())
    return redirect("web:wellbeing_rest")


@login_required
@require_GET
def rest_page(request: HttpRequest) -> HttpResponse:
    until = wellbeing_locked_until(user=_user(request), at=timezone.now())
    if until is None:
        return redirect("web:wellbeing")
    return render(
        request,
        "web/wellbeing/rest.html",
        {"nav": "me", "until": timezone.localtime(until), "resting": True},
    )


@login_required
@require_POST
def beat_view(request: HttpRequest) -> JsonResponse:
    """The foreground heartbeat the pages send (``static/web/wellbeing/wellbeing.js``)."""
    result = wellbeing_heartbeat(user=_user(request), at=timezone.now())
    reminder_text = ""
    minutes = result.active_seconds // 60
    if result.reminder == "80":
        reminder_text = _("今天已使用 %(used)d 分钟，快到你定的 %(budget)d 分钟了。") % {
            "used": minutes,
            "budget": result.budget_minutes,
        }
    elif result.reminder == "100":
        reminder_text = _(
            "今天已使用 %(used)d 分钟，用完了你定的 %(budget)d 分钟。休息一下吧。"
        ) % {"used": minutes, "budget": result.budget_minutes}
    return JsonResponse(
        {
            "active_seconds": result.active_seconds,
            "budget_minutes": result.budget_minutes,
            "percent": result.percent,
            "reminder": result.reminder,
            "reminder_text": reminder_text,
            "reminder_link": reverse("web:wellbeing"),
            "reminder_link_text": _("查看今天的使用"),
            "locked": result.locked_until is not None,
            "rest_url": reverse("web:wellbeing_rest"),
            "digests_released": result.digests_released,
            "digest_text": _("免打扰期间的通知已汇总，请看通知。")
            if result.digests_released
            else "",
        }
    )


@login_required
@require_GET
def nudge_fragment(request: HttpRequest) -> HttpResponse:
    """Nudges for the request form (fetched by wellbeing.js as the member types a title)."""
    try:
        group_id = int(request.GET.get("group") or 0) or None
    except ValueError:
        group_id = None
    nudges = wellbeing_nudges(
        user=_user(request),
        at=timezone.now(),
        query=(request.GET.get("q") or "")[:100],
        group_id=group_id,
        posting=True,
    )
    for nudge in nudges:
        nudge.hits = [{"hit": hit, "url": hit_url(hit)} for hit in nudge.hits]
    return render(request, "web/wellbeing/_nudges.html", {"nudges": nudges})


def _report_context(user: User, monday: date) -> dict[str, Any]:
    now = timezone.now()
    prefs = wellbeing_settings_get(user=user)
    current = reports.last_complete_week(at=now, tz=prefs.time_zone) + timedelta(days=7)
    if monday.weekday() != 0 or monday > current:
        raise Http404
    if monday == current:
        # This week so far: computed live, not stored (it is not over yet).
        data = reports.weekly_report_compute(user=user, monday=monday)
    else:
        data = reports.weekly_report_get_or_create(user=user, monday=monday, at=now).data
    weeks = [current - timedelta(days=7 * i) for i in range(reports.TREND_WEEKS)]
    return {
        "nav": "me",
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "is_current": monday == current,
        "data": data,
        "charts": reports.weekly_report_charts(
            data=data, budget_minutes=prefs.daily_minutes_budget
        ),
        "weeks": weeks,
        "stored": set(
            WeeklyReport.objects.filter(user_id=user.pk).values_list("week_start", flat=True)
        ),
    }


@login_required
@require_GET
def report_latest(request: HttpRequest) -> HttpResponse:
    prefs = wellbeing_settings_get(user=_user(request))
    monday = reports.last_complete_week(at=timezone.now(), tz=prefs.time_zone)
    return render(request, "web/wellbeing/report.html", _report_context(_user(request), monday))


@login_required
@require_GET
def report_week(request: HttpRequest, week: str) -> HttpResponse:
    try:
        monday = date.fromisoformat(week)
    except ValueError:
        raise Http404 from None
    return render(request, "web/wellbeing/report.html", _report_context(_user(request), monday))


@login_required
@require_GET
def digest_page(request: HttpRequest, digest_id: int) -> HttpResponse:
    from huzhu.notifications.models import Notification
    from huzhu.notifications.services import notification_text

    digest = wellbeing_digest_get(user=_user(request), digest_id=digest_id)
    items = []
    for held in digest.items.select_related("actor", "group"):
        # Render each waiting notification exactly as the bell would have.
        shaped = Notification(
            user_id=held.user_id,
            kind=held.kind,
            group=held.group,
            actor=held.actor,
            params=held.params,
            url=held.url,
        )
        items.append(
            {
                "text": notification_text(notification=shaped),
                "url": held.url,
                "group": held.group,
                "at": held.created_at,
            }
        )
    return render(
        request, "web/wellbeing/digest.html", {"nav": "me", "digest": digest, "items": items}
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    """The owner's group quiet hours and aggregate (never individual) wellbeing figures."""
    user = _user(request)
    group, membership = access_group_owner(user=user, group_id=group_id)
    hours = group_quiet_hours_get(group=group)
    if request.method == "POST":
        form = GroupQuietHoursForm(request.POST)
        if form.is_valid():
            try:
                group_quiet_hours_update(
                    actor=user,
                    group_id=group.pk,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except HuzhuError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已保存群安静时段。"))
                return redirect("web:group_wellbeing", group_id=group.pk)
    else:
        form = GroupQuietHoursForm(initial={"start": hours[0], "end": hours[1]} if hours else {})
    figures = group_wellbeing_figures(actor=user, group_id=group.pk, at=timezone.now())
    return render(
        request,
        "web/wellbeing/group.html",
        {
            "nav": "groups",
            "tab": "wellbeing",
            "group": group,
            "membership": membership,
            "form": form,
            "hours": hours,
            "figures": figures,
            "min_group_size": MIN_GROUP_SIZE,
            "min_contributors": MIN_CONTRIBUTORS,
            "now": formats.time_format(timezone.localtime(), "H:i"),
        },
    )
