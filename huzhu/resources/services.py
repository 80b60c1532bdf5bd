"""Resource use cases: share, edit, delete, confirm ("still valid?"), re-share into another group,
and the WeChat share text with its QR code.

Each service checks membership, screens the text with the group's rules, writes inside one
transaction (with an audit row for moderation) and updates the search index after commit.
Expiry needs no task: a deal past its date counts as 已过期 on read (``resources_visible``).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.aid.models import Platform
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.resources.models import (
    ConfirmVerdict,
    Resource,
    ResourceConfirmation,
    ResourceKind,
    ResourcePublication,
    ResourceStatus,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User

TITLE_MAX = 100
BODY_MAX = 5000
TAGS_MAX = 8
TAG_MAX = 12
PRICE_MAX = Decimal("1000000")
KEY_MAX = 64

CONFIG_KEY = "resources"
# Members (other than the author) who must say 已失效 before a deal is marked 已过期.
DEFAULT_EXPIRE_VOTES = 3
# A resource nobody confirmed for this long asks for reconfirmation ("还有效吗？").
STALE_AFTER = {
    ResourceKind.DEAL: timedelta(days=3),
    ResourceKind.GUIDE: timedelta(days=180),
    ResourceKind.STUDY: timedelta(days=365),
    ResourceKind.EXPERIENCE: timedelta(days=365),
    ResourceKind.TIP: timedelta(days=365),
}


# --- helpers ----------------------------------------------------------------------------------


def _membership(*, user: User, group: Group | int) -> Membership:
    gid = group.pk if isinstance(group, Group) else group
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=gid, user_id=user.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    return membership


def _require_speaking(membership: Membership) -> None:
    if membership.is_muted:
        raise Forbidden(_("你在本群被禁言，暂时不能分享资源。"), code="muted")


@dataclass(slots=True)
class Screened:
    action: str
    text: str
    reason: str


def _screen(*, text: str, author: User, group: Group) -> Screened:
    # Imported here: the gate loads the screening engine and its word lists.
    from huzhu.core.gate import content_screen

    verdict = content_screen(text=text, author=author, group=group, kind="resource")
    return Screened(action=verdict.action, text=verdict.text, reason=verdict.reason_zh)


def _refuse_blocked(screened: Screened) -> None:
    if screened.action == "block":
        raise InvalidInput(
            _("内容未通过审核：%(reason)s")
            % {"reason": screened.reason or _("包含不允许发布的内容")},
            code="screening_blocked",
        )


def _split_screened(screened_text: str, title: str) -> tuple[str, str]:
    """The engine screens "title\\nbody" as one text; split its (possibly masked) result back."""
    head, _sep, tail = screened_text.partition("\n")
    if not _sep:
        return head[: len(title)], ""
    return head, tail


def _price(value: Any, *, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        price = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(label)s不是有效的金额。") % {"label": label}, code="invalid_price"
        ) from None
    if price < 0 or price >= PRICE_MAX:
        raise InvalidInput(
            _("%(label)s应在 0 到 1,000,000 元之间。") % {"label": label}, code="invalid_price"
        )
    return price


def _tags(value: str | list[str] | None) -> str:
    if not value:
        return ""
    raw = (
        value if isinstance(value, list) else value.replace("，", ",").replace(" ", ",").split(",")
    )
    tags: list[str] = []
    for tag in raw:
        tag = tag.strip().lstrip("#＃").strip()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX:
            raise InvalidInput(_("每个标签最多 12 个字。"), code="invalid_tag")
        tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput(_("最多添加 8 个标签。"), code="too_many_tags")
    return "," + ",".join(tags) + "," if tags else ""


def _text_fields(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise InvalidInput(_("请填写标题。"), code="missing_title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("标题最多 100 个字。"), code="title_too_long")
    if len(body) > BODY_MAX:
        raise InvalidInput(_("内容最多 5000 个字。"), code="body_too_long")
    return title, body


@dataclass(slots=True)
class DealLink:
    link: str
    platform: str
    goods_id: str


def _deal_link(link: str) -> DealLink:
    """Clean a deal link with the screening engine's link stage; refuse non-shopping links."""
    from huzhu.aid.share_text import share_text_parse

    link = (link or "").strip()
    if not link:
        return DealLink("", "", "")
    parsed = share_text_parse(link)
    if not parsed.link:
        raise InvalidInput(_("没有识别出链接，请粘贴完整的商品链接。"), code="invalid_link")
    if parsed.link_class in ("bad", "lookalike"):
        raise InvalidInput(
            _("这个链接看起来不安全（%(why)s），不能发布。") % {"why": parsed.link_why},
            code="link_suspicious",
        )
    if not parsed.clean_link:
        raise InvalidInput(
            _("优惠链接只支持拼多多、淘宝、天猫、京东、美团等购物平台。"), code="link_not_shopping"
        )
    platform = parsed.platform if parsed.platform in Platform.values else "other"
    return DealLink(parsed.clean_link, platform, parsed.goods_id)


def _valid_until(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _expire_votes_needed(group: Group) -> int:
    options = (group.config or {}).get(CONFIG_KEY, {})
    try:
        return max(1, int(options.get("expire_votes", DEFAULT_EXPIRE_VOTES)))
    except (TypeError, ValueError):
        return DEFAULT_EXPIRE_VOTES


def _index_after_commit(resource: Resource) -> None:
    from huzhu.search.services import search_index_remove, search_index_upsert

    # Expired resources stay findable (flagged and ranked lower): "that deal is over" is an answer.
    if resource.status != ResourceStatus.DELETED and (
        resource.publication == ResourcePublication.PUBLISHED
    ):
        search_index_upsert(kind="resource", obj=resource)
    else:
        search_index_remove(kind="resource", object_id=resource.pk)


def _announce(resource: Resource) -> None:
    """After commit, tell the group's open chats that the resource changed (its card updates)."""
    from huzhu.chat.cards import resource_card
    from huzhu.realtime.events import ResourceUpdated
    from huzhu.realtime.publish import event_publish_on_commit

    event_publish_on_commit(
        ResourceUpdated(group_id=resource.group_id, resource=resource_card(resource))
    )


# --- share, edit, delete ----------------------------------------------------------------------


def resource_share(
    *,
    actor: User,
    group: Group,
    kind: str,
    title: str,
    body: str = "",
    tags: str | list[str] | None = None,
    link: str = "",
    price: Any = None,
    original_price: Any = None,
    valid_until: datetime | None = None,
    idempotency_key: str = "",
    _reshared_from: Resource | None = None,
) -> Resource:
    """Share a resource in ``group``. A retry with the same idempotency key returns the first."""
    membership = _membership(user=actor, group=group)
    _require_speaking(membership)
    group = membership.group
    key = (idempotency_key or "").strip()
    if len(key) > KEY_MAX:
        raise InvalidInput(_("幂等键最长 64 个字符。"), code="invalid_idempotency_key")
    if key:
        existing = Resource.objects.filter(author=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    if kind not in ResourceKind.values:
        raise InvalidInput(_("请选择资源类型。"), code="invalid_kind")
    title, body = _text_fields(title, body)
    deal = DealLink("", "", "")
    price_value = original_value = None
    if kind == ResourceKind.DEAL:
        deal = _deal_link(link)
        price_value = _price(price, label=_("优惠价"))
        original_value = _price(original_price, label=_("原价"))
        if price_value is None:
            raise InvalidInput(_("优惠请填写优惠价。"), code="missing_price")
        if original_value is not None and original_value < price_value:
            raise InvalidInput(_("原价不能低于优惠价。"), code="invalid_price")
    elif link:
        # Other kinds may carry a link; it still passes the link stage and is stored clean.
        from huzhu.aid.share_text import share_text_parse

        parsed = share_text_parse(link)
        if parsed.link_class in ("bad", "lookalike"):
            raise InvalidInput(
                _("这个链接看起来不安全（%(why)s），不能发布。") % {"why": parsed.link_why},
                code="link_suspicious",
            )
        if parsed.link:
            from huzhu.screening.links import clean_url

            deal = DealLink(clean_url(parsed.link), "", "")
    from huzhu.privacy.ratelimit import posting_rate_check

    # Questions, answers and resources (reshares too) share one posting budget.
    posting_rate_check(user=actor)
    screened = _screen(text=f"{title}\n{body}", author=actor, group=group)
    _refuse_blocked(screened)
    shown_title, shown_body = _split_screened(screened.text, title)
    resource = Resource(
        group=group,
        author=actor,
        kind=kind,
        title=shown_title[:TITLE_MAX],
        body=shown_body,
        tags=_tags(tags),
        platform=deal.platform,
        goods_id=deal.goods_id,
        link=deal.link,
        price=price_value,
        original_price=original_value,
        valid_until=_valid_until(valid_until) if kind == ResourceKind.DEAL else None,
        publication=(
            ResourcePublication.HELD if screened.action == "hold" else ResourcePublication.PUBLISHED
        ),
        screening_action=screened.action,
        screening_reason=screened.reason[:300],
        idempotency_key=key,
    )
    if _reshared_from is not None:
        root = _reshared_from.reshared_from or _reshared_from
        resource.reshared_from = root
        resource.original_author_id = root.original_author_id or root.author_id
    try:
        with transaction.atomic():
            resource.save()
            transaction.on_commit(lambda: _index_after_commit(resource))
    except IntegrityError:
        # Two concurrent retries with one key: the loser returns the winner's row.
        if key:
            existing = Resource.objects.filter(author=actor, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    return resource


def _resource_for(*, user: User, resource_id: int | str, lock: bool = False) -> Resource:
    """A resource the user may see: in one of their groups, not deleted, published or their own."""
    try:
        rid = int(resource_id)
    except (TypeError, ValueError):
        raise NotFound(_("没有找到这个资源。")) from None
    qs = Resource.objects.select_related("group", "author", "original_author")
    if lock:
        qs = qs.select_for_update(of=("self",))
    resource = (
        qs.filter(
            pk=rid,
            group__memberships__user_id=user.pk,
            group__memberships__status=MembershipStatus.ACTIVE,
        )
        .exclude(status=ResourceStatus.DELETED)
        .first()
    )
    if resource is None or (
        resource.publication != ResourcePublication.PUBLISHED and resource.author_id != user.pk
    ):
        raise NotFound(_("没有找到这个资源。"))
    return resource


def resource_get(*, user: User, resource_id: int | str) -> Resource:
    return _resource_for(user=user, resource_id=resource_id)


def resource_edit(
    *,
    actor: User,
    resource_id: int | str,
    title: str | None = None,
    body: str | None = None,
    tags: str | list[str] | None = None,
    link: str | None = None,
    price: Any = None,
    original_price: Any = None,
    valid_until: datetime | None = None,
    clear_valid_until: bool = False,
) -> Resource:
    """The author edits their resource; the new text is screened again."""
    with transaction.atomic():
        resource = _resource_for(user=actor, resource_id=resource_id, lock=True)
        if resource.author_id != actor.pk:
            raise Forbidden(_("只能编辑自己分享的资源。"), code="not_author")
        membership = _membership(user=actor, group=resource.group_id)
        _require_speaking(membership)
        new_title, new_body = _text_fields(
            resource.title if title is None else title, resource.body if body is None else body
        )
        screened = _screen(text=f"{new_title}\n{new_body}", author=actor, group=resource.group)
        _refuse_blocked(screened)
        resource.title, resource.body = _split_screened(screened.text, new_title)
        resource.title = resource.title[:TITLE_MAX]
        resource.screening_action = screened.action
        resource.screening_reason = screened.reason[:300]
        resource.publication = (
            ResourcePublication.HELD if screened.action == "hold" else ResourcePublication.PUBLISHED
        )
        if tags is not None:
            resource.tags = _tags(tags)
        if resource.kind == ResourceKind.DEAL:
            if link is not None:
                deal = _deal_link(link)
                resource.link, resource.platform, resource.goods_id = (
                    deal.link,
                    deal.platform,
                    deal.goods_id,
                )
            if price is not None:
                resource.price = _price(price, label=_("优惠价"))
                resource.reported_price = None
            if original_price is not None:
                resource.original_price = _price(original_price, label=_("原价"))
            if (
                resource.original_price is not None
                and resource.price is not None
                and resource.original_price < resource.price
            ):
                raise InvalidInput(_("原价不能低于优惠价。"), code="invalid_price")
            if clear_valid_until:
                resource.valid_until = None
            elif valid_until is not None:
                resource.valid_until = _valid_until(valid_until)
            # A new date in the future revives a deal that had only run out of time.
            if (
                resource.status == ResourceStatus.EXPIRED
                and resource.expired_votes == 0
                and (resource.valid_until is None or resource.valid_until > timezone.now())
            ):
                resource.status = ResourceStatus.ACTIVE
                resource.expired_at = None
        resource.edited_at = timezone.now()
        resource.save()
        transaction.on_commit(lambda: _index_after_commit(resource))
        _announce(resource)
    return resource


def resource_delete(*, actor: User, resource_id: int | str, reason: str = "") -> Resource:
    """The author deletes their resource, or a group admin removes it (audited as moderation)."""
    with transaction.atomic():
        resource = _resource_for(user=actor, resource_id=resource_id, lock=True)
        membership = _membership(user=actor, group=resource.group_id)
        is_author = resource.author_id == actor.pk
        if not is_author and not membership.is_admin:
            raise Forbidden(_("只能删除自己分享的资源。"), code="not_author")
        resource.status = ResourceStatus.DELETED
        resource.deleted_at = timezone.now()
        resource.save(update_fields=["status", "deleted_at"])
        if not is_author:
            audit_record(
                event_type=AuditEventType.RESOURCE_REMOVED,
                actor=actor,
                group=resource.group,
                target_user=resource.author,
                target=resource,
                extra={"title": resource.title, "reason": reason[:200]},
            )
        # Removed from search inside the transaction: deleted text must never be found again.
        from huzhu.search.services import search_index_remove

        search_index_remove(kind="resource", object_id=resource.pk)
        _announce(resource)
    return resource


# --- confirmations ----------------------------------------------------------------------------


def resource_confirm(
    *,
    actor: User,
    resource_id: int | str,
    verdict: str,
    new_price: Any = None,
    bought: bool = False,
    paid_price: Any = None,
) -> Resource:
    """仍有效 / 已失效 / 价格变了 (with the new price). One current answer per member.

    Enough members saying 已失效 (the group's ``expire_votes``, default 3) — or the author alone —
    marks the deal 已过期. ``bought`` records "我也买了" for the member's savings.
    """
    if verdict not in ConfirmVerdict.values:
        raise InvalidInput(_("请选择：仍有效、已失效或价格变了。"), code="invalid_verdict")
    price = _price(new_price, label=_("新价格"))
    if verdict == ConfirmVerdict.PRICE_CHANGED and price is None:
        raise InvalidInput(_("价格变了，请填写现在的价格。"), code="missing_price")
    paid = _price(paid_price, label=_("实付价格"))
    with transaction.atomic():
        resource = _resource_for(user=actor, resource_id=resource_id, lock=True)
        if resource.publication != ResourcePublication.PUBLISHED:
            raise InvalidInput(_("这个资源还在审核中。"), code="not_published")
        _membership(user=actor, group=resource.group_id)
        now = timezone.now()
        ResourceConfirmation.objects.update_or_create(
            resource=resource,
            member=actor,
            defaults={
                "verdict": verdict,
                "new_price": price if verdict == ConfirmVerdict.PRICE_CHANGED else None,
                "bought": bool(bought),
                "paid_price": paid if bought else None,
                "updated_at": now,
            },
            create_defaults={
                "verdict": verdict,
                "new_price": price if verdict == ConfirmVerdict.PRICE_CHANGED else None,
                "bought": bool(bought),
                "paid_price": paid if bought else None,
                "created_at": now,
                "updated_at": now,
            },
        )
        counts = ResourceConfirmation.objects.filter(resource=resource).aggregate(
            valid=Count("id", filter=Q(verdict=ConfirmVerdict.VALID)),
            expired=Count("id", filter=Q(verdict=ConfirmVerdict.EXPIRED)),
            price=Count("id", filter=Q(verdict=ConfirmVerdict.PRICE_CHANGED)),
        )
        resource.valid_votes = counts["valid"]
        resource.expired_votes = counts["expired"]
        resource.price_votes = counts["price"]
        if verdict in (ConfirmVerdict.VALID, ConfirmVerdict.PRICE_CHANGED):
            resource.confirmed_at = now
        if verdict == ConfirmVerdict.PRICE_CHANGED:
            resource.reported_price = price
        expired_by_author = verdict == ConfirmVerdict.EXPIRED and resource.author_id == actor.pk
        others_expired = (
            ResourceConfirmation.objects.filter(resource=resource, verdict=ConfirmVerdict.EXPIRED)
            .exclude(member_id=resource.author_id)
            .count()
        )
        if resource.status == ResourceStatus.ACTIVE and (
            expired_by_author or others_expired >= _expire_votes_needed(resource.group)
        ):
            resource.status = ResourceStatus.EXPIRED
            resource.expired_at = now
        resource.save(
            update_fields=[
                "valid_votes",
                "expired_votes",
                "price_votes",
                "confirmed_at",
                "reported_price",
                "status",
                "expired_at",
            ]
        )
        transaction.on_commit(lambda: _index_after_commit(resource))
        _announce(resource)
    return resource


def resource_is_stale(resource: Resource, *, now: datetime | None = None) -> bool:
    """Nobody confirmed it for a while: the page asks "还有效吗？"."""
    if resource.is_expired or resource.status != ResourceStatus.ACTIVE:
        return False
    now = now or timezone.now()
    last = resource.confirmed_at or resource.edited_at or resource.created_at
    return now - last > STALE_AFTER.get(ResourceKind(resource.kind), timedelta(days=365))


def resource_my_confirmation(*, user: User, resource: Resource) -> ResourceConfirmation | None:
    return ResourceConfirmation.objects.filter(resource=resource, member=user).first()


# --- re-share ---------------------------------------------------------------------------------


def resource_reshare(
    *, actor: User, resource_id: int | str, group_id: int | str, idempotency_key: str = ""
) -> Resource:
    """Share a copy into another group the member belongs to; screened again with that group's
    rules; the first author stays credited."""
    source = _resource_for(user=actor, resource_id=resource_id)
    if source.publication != ResourcePublication.PUBLISHED:
        raise InvalidInput(_("这个资源还在审核中，不能转发。"), code="not_published")
    target = _membership(user=actor, group=int(group_id) if str(group_id).isdigit() else -1).group
    if target.pk == source.group_id:
        raise InvalidInput(_("请选择另一个群。"), code="same_group")
    root_id = source.reshared_from_id or source.pk
    if Resource.objects.filter(
        group=target, reshared_from_id=root_id, status=ResourceStatus.ACTIVE
    ).exists() or (source.reshared_from_id and source.reshared_from.group_id == target.pk):  # type: ignore[union-attr]
        raise InvalidInput(_("这个资源已经在那个群里了。"), code="already_shared")
    return resource_share(
        actor=actor,
        group=target,
        kind=source.kind,
        title=source.title,
        body=source.body,
        tags=source.tag_list,
        link=source.link,
        price=source.current_price,
        original_price=source.original_price,
        valid_until=source.valid_until,
        idempotency_key=idempotency_key,
        _reshared_from=source,
    )


# --- lists ------------------------------------------------------------------------------------


def resources_visible(
    *,
    user: User,
    group: Group | None = None,
    kind: str = "",
    tag: str = "",
    include_expired: bool = False,
) -> Any:
    """Published resources in the user's groups (or one group); expired ones only on request."""
    qs = Resource.objects.select_related("group", "author", "original_author").filter(
        publication=ResourcePublication.PUBLISHED,
        group__in=Membership.objects.filter(user_id=user.pk, status=MembershipStatus.ACTIVE).values(
            "group_id"
        ),
    )
    qs = qs.exclude(status=ResourceStatus.DELETED)
    if group is not None:
        qs = qs.filter(group=group)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__contains=f",{tag.strip()},")
    if not include_expired:
        now = timezone.now()
        qs = qs.filter(status=ResourceStatus.ACTIVE).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
    return qs


# --- share text and QR code -------------------------------------------------------------------


def resource_share_text(*, resource: Resource) -> str:
    """A text to paste into WeChat: title, price, the clean link, and who shared it first."""
    lines = [f"【{resource.get_kind_display()}】{resource.title}"]
    if resource.kind == ResourceKind.DEAL and resource.current_price is not None:
        price_line = _("到手价 ¥%(price)s") % {"price": resource.current_price}
        if resource.original_price is not None:
            price_line += _("（原价 ¥%(price)s）") % {"price": resource.original_price}
        lines.append(price_line)
    if resource.valid_until is not None:
        lines.append(
            _("有效期至 %(date)s")
            % {"date": timezone.localtime(resource.valid_until).strftime("%Y-%m-%d %H:%M")}
        )
    if resource.link:
        lines.append(resource.link)
    author = resource.original_author or resource.author
    lines.append(_("—— 来自互助群友 %(name)s 的分享") % {"name": author.display_name})
    return "\n".join(lines)


def resource_qr_png(*, resource: Resource, scale: int = 6) -> bytes:
    """A QR code PNG of the clean link (or of the share text when there is no link)."""
    import qrcode

    data = resource.link or resource_share_text(resource=resource)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    return _png_from_matrix(qr.get_matrix(), scale=scale)


def _png_from_matrix(matrix: list[list[bool]], *, scale: int) -> bytes:
    """Encode a black-and-white module matrix as an 8-bit greyscale PNG.

    Written out by hand with zlib so the QR code needs neither Pillow nor pypng.
    """
    rows = []
    for row in matrix:
        line = bytes(0 if dark else 255 for dark in row for _i in range(scale))
        rows.extend([b"\x00" + line] * scale)  # filter type 0 per scanline
    width = len(matrix[0]) * scale
    height = len(matrix) * scale

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
