"""Estimated savings (省了多少): original price − paid price, per member and per group.

Two sources count: deals a member marked "我也买了", and completed group-buys (拼团) from
``huzhu.aid`` whose goods match a deal with a known original price in the same group (a group-buy
itself carries only the group price). Each participant of a completed group-buy — the requester and
every helper whose help stands — saved the difference once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from huzhu.resources.models import (
    Resource,
    ResourceConfirmation,
    ResourceKind,
    ResourcePublication,
    ResourceStatus,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group

ZERO = Decimal("0.00")


@dataclass(slots=True)
class Savings:
    total: Decimal = ZERO
    deals: int = 0  # purchases through shared deals
    groupbuys: int = 0  # completed group-buys joined or started
    by_member: dict[int, Decimal] = field(default_factory=dict)
    by_group: dict[int, Decimal] = field(default_factory=dict)


def _deal_savings(
    *, group_ids: list[int] | None, member_id: int | None
) -> list[tuple[int, int, Decimal]]:
    """(member id, group id, saving) for every "我也买了" on a deal with an original price."""
    qs = ResourceConfirmation.objects.filter(
        bought=True,
        resource__kind=ResourceKind.DEAL,
        resource__original_price__isnull=False,
        resource__publication=ResourcePublication.PUBLISHED,
    ).exclude(resource__status=ResourceStatus.DELETED)
    if group_ids is not None:
        qs = qs.filter(resource__group_id__in=group_ids)
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    out = []
    for member, group, original, paid, price, reported in qs.values_list(
        "member_id",
        "resource__group_id",
        "resource__original_price",
        "paid_price",
        "resource__price",
        "resource__reported_price",
    ):
        actual = paid if paid is not None else (reported if reported is not None else price)
        if actual is None or original is None:
            continue
        out.append((member, group, max(original - actual, ZERO)))
    return out


def _groupbuy_savings(
    *, group_ids: list[int] | None, member_id: int | None
) -> list[tuple[int, int, Decimal]]:
    try:
        from huzhu.aid.models import AidKind, AidRequest, AidStatus, Help, HelpStatus
    except ImportError:  # the aid app is optional for this module
        return []
    requests = AidRequest.objects.filter(
        kind=AidKind.GROUPBUY, status=AidStatus.COMPLETED, price__isnull=False
    ).exclude(goods_id="")
    if group_ids is not None:
        requests = requests.filter(group_id__in=group_ids)
    rows = list(requests.values_list("id", "group_id", "goods_id", "price", "requester_id"))
    if not rows:
        return []
    originals: dict[tuple[int, str], Decimal] = {}
    for gid, goods, original in (
        Resource.objects.filter(
            kind=ResourceKind.DEAL,
            goods_id__in={r[2] for r in rows},
            group_id__in={r[1] for r in rows},
            original_price__isnull=False,
        )
        .exclude(status=ResourceStatus.DELETED)
        .values_list("group_id", "goods_id", "original_price")
    ):
        key = (gid, goods)
        if original is not None:
            originals[key] = max(originals.get(key, ZERO), original)
    helpers: dict[int, list[int]] = defaultdict(list)
    for request_id, helper_id in Help.objects.filter(
        request_id__in=[r[0] for r in rows], status=HelpStatus.OK
    ).values_list("request_id", "helper_id"):
        helpers[request_id].append(helper_id)
    out = []
    for request_id, gid, goods, price, requester in rows:
        original = originals.get((gid, goods))
        if original is None or price is None:
            continue
        saving = max(original - price, ZERO)
        for participant in [requester, *helpers[request_id]]:
            if member_id is None or participant == member_id:
                out.append((participant, gid, saving))
    return out


def _sum(
    rows_deals: list[tuple[int, int, Decimal]], rows_gb: list[tuple[int, int, Decimal]]
) -> Savings:
    result = Savings(deals=len(rows_deals), groupbuys=len(rows_gb))
    for member, group, saving in [*rows_deals, *rows_gb]:
        result.total += saving
        result.by_member[member] = result.by_member.get(member, ZERO) + saving
        result.by_group[group] = result.by_group.get(group, ZERO) + saving
    return result


def savings_for_member(*, user: User, groups: list[Group] | None = None) -> Savings:
    """What one member saved, in all their groups or the given ones (``by_group`` splits it)."""
    group_ids = [g.pk for g in groups] if groups is not None else None
    return _sum(
        _deal_savings(group_ids=group_ids, member_id=user.pk),
        _groupbuy_savings(group_ids=group_ids, member_id=user.pk),
    )


def savings_for_group(*, group: Group) -> Savings:
    """What the members of one group saved together (``by_member`` ranks them for the owner)."""
    return _sum(
        _deal_savings(group_ids=[group.pk], member_id=None),
        _groupbuy_savings(group_ids=[group.pk], member_id=None),
    )
