"""Privacy settings applied to lists: whose ledger, groups and profile a viewer may see.

``privacy_allows`` answers for one owner; the functions here answer for many at once (a group's
balance table, a member's per-group figures) with a fixed number of queries. The rules are the
same everywhere:

- the owner always sees their own;
- 同群的群友: any active member of the group the viewer is looking from;
- 仅群主和管理员: the owner and admins of that group;
- 仅自己: nobody else.

Staff get no exception here: platform moderators act through the moderation pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from huzhu.groups.models import Membership, MembershipStatus
from huzhu.privacy.models import Audience, PrivacySettings

if TYPE_CHECKING:
    from huzhu.accounts.models import User

ASPECTS = ("profile", "groups", "ledger")


def _default(aspect: str) -> str:
    # The model's defaults, read from an unsaved row (no query).
    return str(getattr(PrivacySettings(), f"{aspect}_visibility"))


def audiences_for(*, owner_ids: Iterable[int], aspect: str) -> dict[int, str]:
    """The audience each owner chose for ``aspect`` (the default when they never chose)."""
    if aspect not in ASPECTS:
        raise ValueError(aspect)
    ids = set(owner_ids)
    chosen = dict(
        PrivacySettings.objects.filter(user_id__in=ids).values_list(
            "user_id", f"{aspect}_visibility"
        )
    )
    default = _default(aspect)
    return {pk: chosen.get(pk, default) for pk in ids}


def _allowed(audience: str, *, viewer_is_admin: bool) -> bool:
    if audience == Audience.GROUP_MEMBERS:
        return True
    if audience == Audience.ADMINS:
        return viewer_is_admin
    return False


def visible_owner_ids(
    *, viewer: User, group_id: int, owner_ids: Iterable[int], aspect: str
) -> set[int]:
    """The owners among ``owner_ids`` whose ``aspect`` ``viewer`` may see, looking from one group.

    A viewer who is not an active member of the group sees only their own. Owners who have left
    the group keep the audience they chose (their past figures stay theirs).
    """
    ids = set(owner_ids)
    mine = {viewer.pk} & ids
    membership = Membership.objects.filter(
        group_id=group_id, user_id=viewer.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        return mine
    others = ids - mine
    audiences = audiences_for(owner_ids=others, aspect=aspect)
    return mine | {
        pk
        for pk, audience in audiences.items()
        if _allowed(audience, viewer_is_admin=membership.is_admin)
    }


def groups_showing(
    *, viewer: User, owner: User, group_ids: Iterable[int], aspects: tuple[str, ...]
) -> set[int]:
    """The groups among ``group_ids`` from which ``viewer`` may see every one of ``aspects`` of
    ``owner`` (both must be active members there). A per-group line that names the group and
    shows figures needs ``("groups", "ledger")``."""
    ids = set(group_ids)
    if viewer.pk == owner.pk:
        return ids
    if not ids:
        return set()
    settings_row = PrivacySettings.objects.filter(user_id=owner.pk).first()
    audiences = {
        aspect: getattr(settings_row, f"{aspect}_visibility") if settings_row else _default(aspect)
        for aspect in aspects
    }
    owner_in = set(
        Membership.objects.filter(
            user_id=owner.pk, group_id__in=ids, status=MembershipStatus.ACTIVE
        ).values_list("group_id", flat=True)
    )
    viewer_roles = {
        m.group_id: m.is_admin
        for m in Membership.objects.filter(
            user_id=viewer.pk, group_id__in=owner_in, status=MembershipStatus.ACTIVE
        )
    }
    return {
        gid
        for gid, is_admin in viewer_roles.items()
        if all(_allowed(a, viewer_is_admin=is_admin) for a in audiences.values())
    }
