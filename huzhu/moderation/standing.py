"""Standing (信用分): a member's score in one group, computed from history, never stored.

Inputs: helps given and answers accepted (read from the aid ledger), days in the group, content of
theirs that moderators removed after reports, sanctions in the last 90 days, and how often their
own reports turned out right. The score maps to a level; levels unlock privileges and set the
weight of the member's reports. Other apps call ``standing_for(user=…, group=…)`` before a write
that needs a privilege (``standing.can("post_links")``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.moderation.models import ReportStatus, ReviewItem, ReviewStatus, Sanction

if TYPE_CHECKING:
    from huzhu.accounts.models import User

POINTS_PER_HELP = 2
POINTS_PER_ACCEPTED_ANSWER = 3
POINTS_PER_DAY = 0.5
HELP_POINTS_CAP = 40
ANSWER_POINTS_CAP = 30
DAY_POINTS_CAP = 30
POINTS_PER_REMOVED_ITEM = -10
REMOVED_ITEMS_WINDOW_DAYS = 180
SANCTION_POINTS = {
    "warning": -5,
    "mute": -15,
    "removal": -30,
    "group_ban": -30,
    "platform_ban": -30,
}
SANCTION_WINDOW_DAYS = 90
FIRST_DAY = timedelta(hours=24)
MODERATOR_REPORT_WEIGHT = 2.0

PRIVILEGES: dict[str, Promise] = {
    "post_links": _("发布链接"),
    "create_groupbuys": _("发起拼团"),
    "rate_notes": _("评价核实"),
    "write_notes": _("撰写核实"),
}


@dataclass(frozen=True)
class Level:
    number: int
    name: Promise
    min_score: int
    privileges: frozenset[str]
    report_weight: float


RESTRICTED = Level(-1, _("受限"), -(10**6), frozenset(), 0.25)
NEWCOMER = Level(0, _("新成员"), 0, frozenset(), 0.5)
LEVELS = [
    Level(1, _("成员"), 0, frozenset(PRIVILEGES) - {"write_notes"}, 1.0),
    Level(2, _("可信成员"), 20, frozenset(PRIVILEGES), 1.5),
    Level(3, _("资深成员"), 60, frozenset(PRIVILEGES), 2.0),
]
# What a member may do on their first day, whatever their score.
FIRST_DAY_LIMITS = {"requests_per_day": 3, "messages_per_day": 30}


@dataclass(frozen=True)
class Standing:
    score: int
    level: Level
    first_day: bool
    is_moderator: bool
    report_weight: float
    report_accuracy: float | None  # None until three of their reports were decided
    components: dict[str, float] = field(default_factory=dict)
    next_level: Level | None = None
    points_to_next: int = 0
    limits: dict[str, int] = field(default_factory=dict)

    def can(self, privilege: str) -> bool:
        return self.is_moderator or privilege in self.level.privileges

    @property
    def privileges(self) -> list[tuple[str, Promise, bool]]:
        return [(key, label, self.can(key)) for key, label in PRIVILEGES.items()]

    def how_to_rise(self) -> list[str]:
        """Concrete, translated hints for reaching the next level."""
        hints: list[str] = []
        if self.first_day:
            hints.append(gettext("新成员入群满 24 小时后解除首日限制。"))
        if self.next_level is None and not self.first_day:
            return hints
        hints.append(
            gettext("每帮助群友一次 +%(n)d 分（最多 %(cap)d 分）。")
            % {"n": POINTS_PER_HELP, "cap": HELP_POINTS_CAP}
        )
        hints.append(
            gettext("回答被采纳一次 +%(n)d 分（最多 %(cap)d 分）。")
            % {"n": POINTS_PER_ACCEPTED_ANSWER, "cap": ANSWER_POINTS_CAP}
        )
        hints.append(
            gettext("在群里每待一天 +0.5 分（最多 %(cap)d 分）。") % {"cap": DAY_POINTS_CAP}
        )
        hints.append(gettext("准确的举报会提高你的举报权重；不成立的举报会降低它。"))
        if self.components.get("sanctions", 0) < 0:
            hints.append(gettext("处罚在 %(days)d 天后不再扣分。") % {"days": SANCTION_WINDOW_DAYS})
        return hints


def _ledger_counts(*, user_ids: list[int], group_id: int) -> dict[int, tuple[int, int]]:
    """user id → (helps given, answers accepted) from the aid ledger (empty without aid)."""
    if not apps.is_installed("huzhu.aid") or not user_ids:
        return {}
    from huzhu.aid.models import LedgerEntry, LedgerReason

    rows = (
        LedgerEntry.objects.filter(group_id=group_id, member_id__in=user_ids)
        .values("member_id")
        .annotate(
            helps=Count("id", filter=Q(reason=LedgerReason.HELP, amount__gt=0)),
            reversed=Count("id", filter=Q(reason=LedgerReason.DISPUTE_UPHELD, amount__lt=0)),
            accepted=Count("id", filter=Q(reason=LedgerReason.ANSWER_ACCEPTED, amount__gt=0)),
        )
    )
    return {
        row["member_id"]: (max(row["helps"] - row["reversed"], 0), row["accepted"]) for row in rows
    }


def _accuracies(*, user_ids: list[int]) -> dict[int, tuple[float, int]]:
    from huzhu.moderation.models import Report

    rows = (
        Report.objects.filter(reporter_id__in=user_ids)
        .values("reporter_id")
        .annotate(
            upheld=Count("id", filter=Q(status=ReportStatus.UPHELD)),
            dismissed=Count("id", filter=Q(status=ReportStatus.DISMISSED)),
        )
    )
    out = {}
    for row in rows:
        decided = row["upheld"] + row["dismissed"]
        out[row["reporter_id"]] = ((row["upheld"] + 2) / (decided + 4), decided)
    return out


def report_accuracy(*, user_id: int) -> tuple[float, int]:
    """(smoothed accuracy, decided reports) of a reporter across all groups.

    A Beta(2, 2) prior keeps one lucky or unlucky report from swinging the weight.
    """
    return _accuracies(user_ids=[user_id]).get(user_id, (0.5, 0))


def _level_for(score: int) -> Level:
    if score < 0:
        return RESTRICTED
    level = LEVELS[0]
    for candidate in LEVELS:
        if score >= candidate.min_score:
            level = candidate
    return level


def standing_for(*, user: User, group: Group | int) -> Standing:
    """The member's standing in the group (restricted, weight 0, for non-members)."""
    group_id = group if isinstance(group, int) else group.pk
    return standings_for(user_ids=[user.pk], group_id=group_id)[user.pk]


_OUTSIDER = Standing(
    score=0,
    level=RESTRICTED,
    first_day=False,
    is_moderator=False,
    report_weight=0.0,
    report_accuracy=None,
)


def standings_for(*, user_ids: list[int], group_id: int) -> dict[int, Standing]:
    """Standings of several members of one group in a fixed number of queries (for lists)."""
    now = timezone.now()
    user_ids = list(dict.fromkeys(user_ids))
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            group_id=group_id, user_id__in=user_ids, status=MembershipStatus.ACTIVE
        )
    }
    members = list(memberships)
    ledger = _ledger_counts(user_ids=members, group_id=group_id)
    removed = dict(
        ReviewItem.objects.filter(
            group_id=group_id,
            target_user_id__in=members,
            status=ReviewStatus.REMOVED,
            resolved_at__gte=now - timedelta(days=REMOVED_ITEMS_WINDOW_DAYS),
        )
        .values("target_user_id")
        .annotate(n=Count("id"))
        .values_list("target_user_id", "n")
    )
    sanction_points: dict[int, int] = {}
    for user_id, kind in Sanction.objects.filter(
        Q(group_id=group_id) | Q(group__isnull=True),
        user_id__in=members,
        revoked_at__isnull=True,
        created_at__gte=now - timedelta(days=SANCTION_WINDOW_DAYS),
    ).values_list("user_id", "kind"):
        sanction_points[user_id] = sanction_points.get(user_id, 0) + SANCTION_POINTS.get(kind, 0)
    accuracies = _accuracies(user_ids=members)
    out = {}
    for user_id in user_ids:
        membership = memberships.get(user_id)
        if membership is None:
            out[user_id] = _OUTSIDER
            continue
        helps, accepted = ledger.get(user_id, (0, 0))
        accuracy, decided = accuracies.get(user_id, (0.5, 0))
        out[user_id] = _standing(
            membership=membership,
            now=now,
            helps=helps,
            accepted=accepted,
            removed_items=removed.get(user_id, 0),
            sanction_points=sanction_points.get(user_id, 0),
            accuracy=accuracy,
            decided=decided,
        )
    return out


def _standing(
    *,
    membership: Membership,
    now: Any,
    helps: int,
    accepted: int,
    removed_items: int,
    sanction_points: int,
    accuracy: float,
    decided: int,
) -> Standing:
    days = max((now - membership.joined_at).total_seconds() / 86400, 0.0)
    accuracy_points = round((accuracy - 0.5) * 20) if decided >= 3 else 0
    components: dict[str, Any] = {
        "helps": min(helps * POINTS_PER_HELP, HELP_POINTS_CAP),
        "accepted_answers": min(accepted * POINTS_PER_ACCEPTED_ANSWER, ANSWER_POINTS_CAP),
        "days": min(round(days * POINTS_PER_DAY), DAY_POINTS_CAP),
        "removed_content": removed_items * POINTS_PER_REMOVED_ITEM,
        "sanctions": sanction_points,
        "report_accuracy": accuracy_points,
    }
    score = int(sum(components.values()))
    is_moderator = membership.is_admin
    first_day = not is_moderator and now - membership.joined_at < FIRST_DAY
    level = _level_for(score)
    if first_day and level is not RESTRICTED:
        level = NEWCOMER
    # Weight grows with standing and with past accuracy (0.5× for always wrong … 1.5× for right).
    weight = level.report_weight * (0.5 + accuracy)
    if is_moderator:
        weight = max(weight, MODERATOR_REPORT_WEIGHT)
    base = _level_for(score)
    next_level = next((lv for lv in LEVELS if lv.number > base.number), None)
    if base is RESTRICTED:
        next_level = LEVELS[0]
    return Standing(
        score=score,
        level=level,
        first_day=first_day,
        is_moderator=is_moderator,
        report_weight=round(weight, 3),
        report_accuracy=accuracy if decided >= 3 else None,
        components=components,
        next_level=next_level,
        points_to_next=max(next_level.min_score - score, 0) if next_level else 0,
        limits=dict(FIRST_DAY_LIMITS) if first_day else {},
    )


_PRIVILEGE_REFUSALS = {
    "post_links": _("信用等级达到“成员”后才能发布链接（新成员入群满 24 小时后解锁）。"),
    "create_groupbuys": _("信用等级达到“成员”后才能发起拼团（新成员入群满 24 小时后解锁）。"),
    "rate_notes": _("入群满一天且信用正常后才能评价核实。"),
    "write_notes": _("信用等级达到“可信成员”后才能撰写核实。"),
}


def standing_require(*, user: User, group: Group | int, privilege: str) -> Standing:
    """For content apps: raise a translated ``Forbidden`` (code ``standing_too_low``) unless the
    member's standing grants ``privilege``; returns the standing otherwise."""
    from huzhu.core.errors import Forbidden

    standing = standing_for(user=user, group=group)
    if not standing.can(privilege):
        raise Forbidden(_PRIVILEGE_REFUSALS[privilege], code="standing_too_low")
    return standing
