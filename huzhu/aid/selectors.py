"""Reading mutual aid: request lists, the help queue (待我帮助), balances and who-helped-whom.

Every list first applies lazy expiry, so an overdue request never shows as open even when the
background worker is stopped. Balances are sums over the append-only ledger, so they always
reconcile with the entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from huzhu.aid.models import (
    AidKind,
    AidRequest,
    AidRequestRevision,
    AidStatus,
    Answer,
    DisputeStatus,
    Help,
    HelpDispute,
    LedgerEntry,
    LedgerReason,
    Publication,
)
from huzhu.aid.services import aid_requests_expire_due
from huzhu.core.errors import Forbidden, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _membership(*, user: User, group_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=group_id, user_id=user.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    return membership


def _visible(qs: QuerySet[AidRequest], *, user: User, is_admin: bool) -> QuerySet[AidRequest]:
    if is_admin:
        return qs.exclude(Q(publication=Publication.REJECTED) & ~Q(requester=user))
    return qs.filter(Q(publication=Publication.PUBLISHED) | Q(requester=user))


def aid_requests_list(
    *, user: User, group: Group, kind: str = "", status: str = ""
) -> QuerySet[AidRequest]:
    membership = _membership(user=user, group_id=group.pk)
    aid_requests_expire_due(group=group)
    qs = _visible(
        AidRequest.objects.filter(group=group).select_related("requester"),
        user=user,
        is_admin=membership.is_admin,
    )
    if kind in AidKind.values:
        qs = qs.filter(kind=kind)
    if status in AidStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by(
        Case(When(status=AidStatus.OPEN, then=Value(0)), default=Value(1)),
        F("deadline").asc(nulls_last=True),
        "-created_at",
    )


def aid_request_get(*, user: User, request_id: int | str) -> tuple[AidRequest, Membership]:
    """The request if ``user`` may see it (member of its group; held ones only for author/admins)."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound(_("没有找到这个请求。")) from None
    request = AidRequest.objects.filter(pk=pk).only("pk", "group_id").first()
    if request is None:
        raise NotFound(_("没有找到这个请求。"))
    try:
        membership = _membership(user=user, group_id=request.group_id)
    except NotFound:
        raise NotFound(_("没有找到这个请求。")) from None
    aid_requests_expire_due(group=membership.group, limit=20)
    visible = _visible(
        AidRequest.objects.filter(pk=pk).select_related("requester", "group"),
        user=user,
        is_admin=membership.is_admin,
    ).first()
    if visible is None:
        raise NotFound(_("没有找到这个请求。"))
    return visible, membership


def aid_request_for_edit(*, user: User, request_id: int | str) -> tuple[AidRequest, Membership]:
    """The request ``user`` may open the edit form of: their own (others get 403, as editing
    does; requests they cannot see, 404)."""
    request, membership = aid_request_get(user=user, request_id=request_id)
    if request.requester_id != user.pk:
        raise Forbidden(_("只有发布者本人可以修改这个请求。"), code="not_requester")
    return request, membership


def aid_request_revisions(
    *, user: User, request: AidRequest, membership: Membership
) -> QuerySet[AidRequestRevision]:
    """The earlier versions of an edited request, newest first: for its requester and the
    group's moderators (other members see only that it was edited)."""
    if request.requester_id != user.pk and not membership.is_admin:
        raise Forbidden(_("只有发布者和管理员可以查看修改记录。"), code="not_allowed")
    return request.revisions.select_related("editor")


def request_helps(*, request: AidRequest) -> QuerySet[Help]:
    return request.helps.select_related("helper", "dispute")


def request_answers(*, request: AidRequest, user: User) -> QuerySet[Answer]:
    return (
        request.answers.filter(Q(publication=Publication.PUBLISHED) | Q(author=user))
        .select_related("author")
        .order_by("-accepted", "created_at")
    )


def balances_with(*, user: User, group: Group) -> dict[int, int]:
    """Net 互助值 between ``user`` and each counterpart: negative means ``user`` owes them."""
    rows = (
        LedgerEntry.objects.filter(group=group, member=user)
        .values("counterpart_id")
        .annotate(net=Sum("amount"))
    )
    return {r["counterpart_id"]: r["net"] for r in rows}


def help_queue(*, user: User, group: Group, limit: int = 50) -> list[AidRequest]:
    """待我帮助: open requests ``user`` can help with.

    Ordered by reciprocity first (requesters who helped me and whom I have not helped back),
    then the nearest deadline, then the fewest helps so far.
    """
    _membership(user=user, group_id=group.pk)
    aid_requests_expire_due(group=group)
    owed = [cid for cid, net in balances_with(user=user, group=group).items() if net < 0]
    qs = (
        AidRequest.objects.filter(
            group=group, status=AidStatus.OPEN, publication=Publication.PUBLISHED
        )
        .exclude(requester=user)
        .exclude(helps__helper=user)
        .exclude(answers__author=user)
        .select_related("requester")
        .annotate(
            reciprocity=Case(
                When(requester_id__in=owed, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("reciprocity", F("deadline").asc(nulls_last=True), "helps_count", "created_at")
    )
    return list(qs[:limit])


@dataclass(frozen=True, slots=True)
class Balance:
    user_id: int
    display_name: str
    balance: int
    given: int
    received: int


def ledger_balances(*, group: Group, viewer: User | None = None) -> list[Balance]:
    """Every member's balance in the group, highest first, derived from the ledger.

    With a ``viewer``, only the members whose ledger privacy setting lets them see it (and their
    own) are listed."""
    rows: list[dict[str, Any]] = list(
        LedgerEntry.objects.filter(group=group)
        .values("member_id", "member__display_name", "member__username")
        .annotate(
            balance=Sum("amount"),
            given=Sum("amount", filter=Q(amount__gt=0)),
            received=Sum("amount", filter=Q(amount__lt=0)),
        )
        .order_by("-balance", "member_id")
    )
    if viewer is not None:
        from huzhu.privacy.visibility import visible_owner_ids

        shown = visible_owner_ids(
            viewer=viewer,
            group_id=group.pk,
            owner_ids=[r["member_id"] for r in rows],
            aspect="ledger",
        )
        rows = [r for r in rows if r["member_id"] in shown]
    return [
        Balance(
            user_id=r["member_id"],
            display_name=r["member__display_name"] or r["member__username"],
            balance=r["balance"] or 0,
            given=r["given"] or 0,
            received=-(r["received"] or 0),
        )
        for r in rows
    ]


def ledger_balance(*, user: User, group: Group) -> int:
    return LedgerEntry.objects.filter(group=group, member=user).aggregate(s=Sum("amount"))["s"] or 0


def ledger_group_total(*, group: Group) -> int:
    """Always 0: the ledger is zero-sum. Exposed so checks and tests can reconcile."""
    return LedgerEntry.objects.filter(group=group).aggregate(s=Sum("amount"))["s"] or 0


@dataclass(frozen=True, slots=True)
class Counterpart:
    user_id: int
    display_name: str
    count: int  # helps they gave me (who helped me) / net I owe them (whom I owe)


def who_helped_me(*, user: User, group: Group) -> list[Counterpart]:
    rows = (
        LedgerEntry.objects.filter(
            group=group,
            member=user,
            amount__lt=0,
            reason__in=[LedgerReason.HELP, LedgerReason.ANSWER_ACCEPTED],
        )
        .values("counterpart_id", "counterpart__display_name", "counterpart__username")
        .annotate(n=Count("id"))
        .order_by("-n", "counterpart_id")
    )
    return [
        Counterpart(
            user_id=r["counterpart_id"],
            display_name=r["counterpart__display_name"] or r["counterpart__username"],
            count=r["n"],
        )
        for r in rows
    ]


def whom_i_owe(*, user: User, group: Group) -> list[Counterpart]:
    rows = (
        LedgerEntry.objects.filter(group=group, member=user)
        .values("counterpart_id", "counterpart__display_name", "counterpart__username")
        .annotate(net=Sum("amount"))
        .filter(net__lt=0)
        .order_by("net", "counterpart_id")
    )
    return [
        Counterpart(
            user_id=r["counterpart_id"],
            display_name=r["counterpart__display_name"] or r["counterpart__username"],
            count=-r["net"],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class GroupGivenReceived:
    group_id: int
    group_name: str
    given: int
    received: int
    balance: int


def profile_given_received(*, user: User, viewer: User | None = None) -> list[GroupGivenReceived]:
    """Per group: 互助值 given and received. A viewer sees only groups they share with ``user``."""
    groups = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    if viewer is not None and viewer.pk != user.pk:
        groups = groups.filter(
            group__memberships__user=viewer, group__memberships__status=MembershipStatus.ACTIVE
        )
    group_ids = list(groups.values_list("group_id", flat=True))
    rows = {
        r["group_id"]: r
        for r in LedgerEntry.objects.filter(member=user, group_id__in=group_ids)
        .values("group_id")
        .annotate(
            given=Sum("amount", filter=Q(amount__gt=0)),
            received=Sum("amount", filter=Q(amount__lt=0)),
            balance=Sum("amount"),
        )
    }
    names = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    return [
        GroupGivenReceived(
            group_id=gid,
            group_name=names[gid],
            given=(rows.get(gid) or {}).get("given") or 0,
            received=-((rows.get(gid) or {}).get("received") or 0),
            balance=(rows.get(gid) or {}).get("balance") or 0,
        )
        for gid in group_ids
    ]


def open_disputes(*, user: User, group: Group) -> QuerySet[HelpDispute]:
    membership = _membership(user=user, group_id=group.pk)
    if not membership.is_admin:
        return HelpDispute.objects.none()
    return HelpDispute.objects.filter(group=group, status=DisputeStatus.OPEN).select_related(
        "help__helper", "help__request", "reporter"
    )


def member_profile(*, viewer: User, user_id: int) -> tuple[User, list[GroupGivenReceived]]:
    """Another member's given / received per group, for the groups ``viewer`` shares with them.

    Someone who shares no group with the viewer is "not found", like a user who does not exist;
    groups whose lines the member's privacy settings hide from the viewer are left out.
    """
    from huzhu.accounts.models import User as UserModel

    user = UserModel.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("没有找到这位群友。"))
    rows = profile_given_received(user=user, viewer=viewer)
    if not rows:
        raise NotFound(_("没有找到这位群友。"))
    # A line names a group and shows figures: it needs both the groups and the ledger setting.
    from huzhu.privacy.visibility import groups_showing

    shown = groups_showing(
        viewer=viewer,
        owner=user,
        group_ids=[r.group_id for r in rows],
        aspects=("groups", "ledger"),
    )
    return user, [r for r in rows if r.group_id in shown]
