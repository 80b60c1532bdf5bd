"""Mutual-aid use cases: post a request, help, dispute, answer, accept, thank, close, expire,
and the owner's fairness rules.

Each service checks access and the group's rules, writes inside one transaction (ledger pairs and
audit rows included) and sends notifications and enqueues tasks only after commit. Races on a
request (the last group-buy slot, a double tap) are serialised by locking the request row.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huzhu.aid import notifications as kinds
from huzhu.aid.models import (
    AidKind,
    AidRequest,
    AidRequestRevision,
    AidStatus,
    Answer,
    DisputeStatus,
    Help,
    HelpDispute,
    HelpStatus,
    LedgerEntry,
    LedgerReason,
    Platform,
    Publication,
    QuestionCategory,
)
from huzhu.aid.rules import CONFIG_KEY, RULE_LIMITS, AidRules, aid_rules_get
from huzhu.aid.share_text import ParsedShare, share_text_parse
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus, Role
from huzhu.moderation.hooks import review_item_enqueue
from huzhu.moderation.standing import FIRST_DAY, standing_for, standing_require
from huzhu.notifications.services import (
    notification_create,
    notification_create_many,
    notification_prepare,
)
from huzhu.wellbeing.group import group_quiet_hours_check

if TYPE_CHECKING:
    from huzhu.accounts.models import User

logger = logging.getLogger(__name__)

TITLE_MAX = 100
BODY_MAX = 2000
ANSWER_MAX = 5000
KEY_MAX = 64


# --- helpers ----------------------------------------------------------------------------------


def _member(*, user: User, group: Group | int, not_found: str | None = None) -> Membership:
    gid = group.pk if isinstance(group, Group) else group
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=gid, user_id=user.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound(not_found or _("没有找到这个群，或你不是群成员。"))
    return membership


def _require_speaking(membership: Membership) -> None:
    if membership.is_muted:
        raise Forbidden(_("你在本群被禁言，暂时不能发布或回答。"), code="muted")


def _day_start() -> datetime:
    """Midnight today in the site's time zone: daily caps reset when a member's day does."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if len(key) > KEY_MAX:
        raise InvalidInput(_("幂等键最长 64 个字符。"), code="invalid_idempotency_key")
    return key


def _on_commit(fn: Any) -> None:
    transaction.on_commit(fn)


def _review_enqueue_on_commit(obj: AidRequest | Answer, *, findings: dict[str, Any]) -> None:
    """Held by screening: into the group's review queue as soon as it is committed, so
    moderators see it without opening the queue first (the queue's own pull covers a failure)."""

    def enqueue() -> None:
        try:
            review_item_enqueue(target=obj, findings=findings)
        except Exception:
            logger.exception(
                "aid: could not enqueue held %s %s for review", obj._meta.model_name, obj.pk
            )

    _on_commit(enqueue)


def _schedule_expiry(request: AidRequest) -> None:
    if request.deadline is None:
        return
    from huzhu.aid.tasks import aid_request_expire_task

    deadline = request.deadline
    request_id = request.pk

    def enqueue() -> None:
        try:
            aid_request_expire_task.using(run_after=deadline).enqueue(request_id)
        except Exception:  # lazy expiry on read still covers a failed enqueue
            logger.exception("could not schedule expiry of aid request %s", request_id)

    _on_commit(enqueue)


def _search_index(kind: str, obj: Any) -> None:
    """Re-index in search after commit, in the background (held or rejected rows are skipped)."""
    from huzhu.search.services import search_index_upsert

    search_index_upsert(kind, obj)


def _notify(**kwargs: Any) -> None:
    """Notifications are rows written in the service's transaction: a rolled-back write
    notifies nobody, and a help costs one commit, not two."""
    notification_create(**kwargs)


def _ledger_rows(
    *,
    group: Group | int,
    gainer_id: int,
    payer_id: int,
    amount: int,
    reason: str,
    request: AidRequest | None,
) -> list[LedgerEntry]:
    """Move ``amount`` 互助值 from payer to gainer: two entries summing to zero (unsaved)."""
    gid = group.pk if isinstance(group, Group) else group
    now = timezone.now()
    return [
        LedgerEntry(
            group_id=gid,
            member_id=gainer_id,
            counterpart_id=payer_id,
            request=request,
            amount=amount,
            reason=reason,
            created_at=now,
        ),
        LedgerEntry(
            group_id=gid,
            member_id=payer_id,
            counterpart_id=gainer_id,
            request=request,
            amount=-amount,
            reason=reason,
            created_at=now,
        ),
    ]


def _ledger_pair(
    *,
    group: Group | int,
    gainer_id: int,
    payer_id: int,
    amount: int,
    reason: str,
    request: AidRequest | None,
) -> None:
    """Move ``amount`` 互助值 from payer to gainer: two entries summing to zero."""
    LedgerEntry.objects.bulk_create(
        _ledger_rows(
            group=group,
            gainer_id=gainer_id,
            payer_id=payer_id,
            amount=amount,
            reason=reason,
            request=request,
        )
    )


@functools.cache
def _insert_shape(
    vendor: str, model: Any, rows: int, returning_pk: bool
) -> tuple[str | None, list[Any]]:
    """(statement text or None, fields) of an INSERT of ``rows`` rows of ``model``; the text
    depends on nothing else. None: a field has a custom placeholder (the ORM compiles those)."""
    from django.db.models import AutoField

    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None, fields
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 - model names
        f"VALUES {', '.join([row] * rows)}"
    )
    if returning_pk:
        sql += f" RETURNING {qn(meta.db_table)}.{qn(meta.pk.column)}"
    return sql, fields


def _insert_sql(objs: list[Any], *, returning_pk: bool = False) -> tuple[str, list[Any]]:
    """An INSERT statement for unsaved rows of one model, to be run inside a larger one, with
    the values the ORM itself would write (``pre_save`` defaults, ``get_db_prep_save``).

    The statement's text is built once per model and row count (``_insert_shape``); a model with
    a custom placeholder, or a value that is an expression, goes through the ORM's own INSERT
    compiler every time."""
    from django.db.models.sql import InsertQuery

    conn = connections[DEFAULT_DB_ALIAS]  # the thread's connection itself, not the proxy
    model: Any = type(objs[0])
    sql, fields = _insert_shape(conn.vendor, model, len(objs), returning_pk)
    if sql is not None:
        values = [(f, f.pre_save(obj, True)) for obj in objs for f in fields]
        if not any(hasattr(v, "resolve_expression") for _f, v in values):
            return sql, [f.get_db_prep_save(v, connection=conn) for f, v in values]
    query = InsertQuery(model)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(using=conn.alias)
    if returning_pk:
        compiler.returning_fields = [model._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def _help_write_together(
    *, help_: Help, request: AidRequest, ledger: list[LedgerEntry], notification: Any
) -> None:
    """PostgreSQL: the help row, the request's counter, the ledger pair and the requester's
    notification in ONE statement (data-modifying CTEs), instead of four round trips. Only for a
    help that does not complete the request (the common case); the caller holds the row lock."""
    qn = connection.ops.quote_name
    parts: list[str] = []
    params: list[Any] = []
    sql, values = _insert_sql([help_], returning_pk=True)
    parts.append(f"h AS ({sql})")
    params += values
    table = qn(AidRequest._meta.db_table)
    # Identifiers come from the models (quoted); every value is a bound parameter.
    parts.append(f"r AS (UPDATE {table} SET {qn('helps_count')} = %s WHERE {qn('id')} = %s)")  # noqa: S608
    params += [request.helps_count, request.pk]
    sql, values = _insert_sql(ledger)
    parts.append(f"l AS ({sql})")
    params += values
    if notification is not None:
        sql, values = _insert_sql([notification], returning_pk=True)
        parts.append(f"n AS ({sql})")
        params += values
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {qn('id')} FROM h", params)  # noqa: S608
        help_.pk = cursor.fetchone()[0]
    help_._state.adding = False
    help_._state.db = connection.alias


def _announce(request: AidRequest) -> None:
    """Tell the group's open pages (and chat cards) after commit that the request changed."""
    from huzhu.realtime.events import AidUpdated, Audience
    from huzhu.realtime.publish import event_publish_on_commit

    audience = (
        Audience()
        if request.publication == Publication.PUBLISHED
        else Audience(moderators_only=True, user_ids=(request.requester_id,))
    )
    event_publish_on_commit(
        AidUpdated(
            group_id=request.group_id,
            audience=audience,
            aid={
                "id": request.pk,
                "kind": request.kind,
                "status": request.status,
                "helps_count": request.helps_count,
                "target": request.target,
                "remaining": request.remaining,
            },
        )
    )


def _params(request: AidRequest) -> dict[str, Any]:
    return {"title": request.title, "request_id": request.pk}


def _url(request: AidRequest) -> str:
    return f"/groups/{request.group_id}/aid/{request.pk}/"


# --- screening --------------------------------------------------------------------------------


@dataclass(slots=True)
class Screened:
    action: str
    text: str
    reason: str
    clean_links: list[str]
    has_link: bool = False  # any link at all, shopping or not (posting links needs standing)


def _screen(*, text: str, author: User, group: Group, kind: str) -> Screened:
    from huzhu.core.gate import content_screen

    verdict = content_screen(text=text, author=author, group=group, kind=kind)
    return Screened(
        action=verdict.action,
        text=verdict.text,
        reason=verdict.reason_zh,
        clean_links=list(verdict.clean_links),
        has_link=any(finding.kind == "link" for finding in verdict.findings),
    )


def _refuse_blocked(screened: Screened) -> None:
    if screened.action == "block":
        raise InvalidInput(
            _("内容未通过审核：%(reason)s")
            % {"reason": screened.reason or _("包含不允许发布的内容")},
            code="screening_blocked",
        )


def _check_lengths(*, title: str, body: str) -> None:
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("标题最多 100 个字符。"), code="invalid_title")
    if len(body) > BODY_MAX:
        raise InvalidInput(_("说明最多 2000 个字符。"), code="invalid_body")


def _screen_request(
    *, actor: User, group: Group, kind: str, title: str, body: str, clean_link: str
) -> tuple[Screened, str, str]:
    """Screen a request's text as it will be published (posting and editing alike): a blocked
    text is refused with the reason; returns the verdict and the title and body to store
    (redacted where the engine hid personal data)."""
    # A group-buy or boost is screened with its clean link: the engine's link stage has already
    # judged the domain while parsing; the stripped sharer parameters are never shown.
    source = f"{title}\n{body}" if kind == AidKind.QUESTION else f"{title}\n{body}\n{clean_link}"
    screened = _screen(text=source, author=actor, group=group, kind="request")
    _refuse_blocked(screened)
    if kind == AidKind.QUESTION and screened.has_link:
        standing_require(user=actor, group=group, privilege="post_links")
    if screened.action == "redact":
        lines = screened.text.split("\n")
        title = lines[0][:TITLE_MAX] or title
        body = "\n".join(lines[1:-1] if kind != AidKind.QUESTION else lines[1:]).strip()
    return screened, title, body


def _hold_for_review(
    request: AidRequest, *, actor: User, screened: Screened, edit: bool = False
) -> None:
    """A request the screening held (posted, or edited into something doubtful): audited, into
    the review queue after commit, and its group's moderators notified."""
    extra: dict[str, Any] = {"reason": screened.reason, "kind": request.kind}
    if edit:
        extra["edit"] = True
    group = request.group
    audit_record(
        event_type=AuditEventType.AID_REQUEST_HELD,
        actor=actor,
        group=group,
        target=request,
        extra=extra,
    )
    _review_enqueue_on_commit(
        request, findings={"action": screened.action, "reason": screened.reason}
    )
    admins = [
        m.user
        for m in group.memberships.filter(
            status=MembershipStatus.ACTIVE, role__in=[Role.OWNER, Role.ADMIN]
        ).select_related("user")
    ]
    notification_create_many(
        users=admins,
        kind=kinds.REQUEST_HELD,
        group=group,
        actor=actor,
        params=_params(request),
        url=_url(request),
    )


# --- fairness rules ---------------------------------------------------------------------------


def helps_given_count(*, user: User, group: Group | int) -> int:
    """Helps and accepted answers this member has given in the group (what 先帮后发 counts)."""
    gid = group.pk if isinstance(group, Group) else group
    helps = Help.objects.filter(group_id=gid, helper=user, status=HelpStatus.OK).count()
    answers = Answer.objects.filter(request__group_id=gid, author=user, accepted=True).count()
    return helps + answers


def _first_day_refusal(*, user: User, group: Group) -> str | None:
    """A newcomer's first-day request cap (``standing.limits``), counted since they joined."""
    membership = Membership.objects.filter(
        group=group, user_id=user.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None or membership.is_admin:
        return None
    if timezone.now() - membership.joined_at >= FIRST_DAY:
        return None  # standing costs a few queries: only members in their first day pay for it
    cap = standing_for(user=user, group=group).limits.get("requests_per_day")
    if cap is None:
        return None
    posted = AidRequest.objects.filter(
        group=group, requester=user, created_at__gte=membership.joined_at
    ).count()
    if posted < cap:
        return None
    until = timezone.localtime(membership.joined_at + FIRST_DAY)
    return _("新成员入群第一天最多发布 %(max)d 个请求，%(until)s 后解除限制。") % {
        "max": cap,
        "until": until.strftime("%Y-%m-%d %H:%M"),
    }


def aid_post_allowance(*, user: User, group: Group) -> str | None:
    """Why ``user`` may not post a new request right now (the Chinese explanation), or None."""
    first_day = _first_day_refusal(user=user, group=group)
    if first_day:
        return first_day
    rules = aid_rules_get(group=group)
    if rules.help_before_post:
        given = helps_given_count(user=user, group=group)
        # 先帮后发: before each new request the member must have given N helps since their
        # previous one; for a member's first request the count starts at zero.
        since = (
            AidRequest.objects.filter(group=group, requester=user)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if since is not None:
            given = (
                Help.objects.filter(
                    group=group, helper=user, status=HelpStatus.OK, created_at__gt=since
                ).count()
                + Answer.objects.filter(
                    request__group=group, author=user, accepted=True, accepted_at__gt=since
                ).count()
            )
        missing = rules.help_before_post - given
        if missing > 0:
            return ngettext(
                "本群实行先帮后发：再帮助 %(n)d 位群友后即可发布",
                "本群实行先帮后发：再帮助 %(n)d 位群友后即可发布",
                missing,
            ) % {"n": missing}
    if rules.max_open_requests:
        open_count = (
            AidRequest.objects.filter(group=group, requester=user, status=AidStatus.OPEN)
            .filter(Q(deadline__isnull=True) | Q(deadline__gt=timezone.now()))
            .count()
        )
        if open_count >= rules.max_open_requests:
            return _(
                "本群每人最多同时有 %(max)d 个进行中的请求，请等现有请求完成或关闭后再发布"
            ) % {"max": rules.max_open_requests}
    if rules.max_requests_per_day:
        today = AidRequest.objects.filter(
            group=group, requester=user, created_at__gte=_day_start()
        ).count()
        if today >= rules.max_requests_per_day:
            return _("本群每人每天最多发布 %(max)d 个请求，明天再来吧") % {
                "max": rules.max_requests_per_day
            }
    return None


@transaction.atomic
def aid_rules_update(*, actor: User, group: Group, **changes: int) -> AidRules:
    """The owner changes the group's fairness rules; each change is audited."""
    membership = _member(user=actor, group=group)
    if not membership.is_owner:
        raise Forbidden(_("只有群主可以修改互助规则。"))
    clean: dict[str, int] = {}
    for key, value in changes.items():
        if key not in RULE_LIMITS:
            raise InvalidInput(_("未知的规则：%(key)s") % {"key": key}, code="invalid_rule")
        low, high = RULE_LIMITS[key]
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("规则的值必须是整数。"), code="invalid_rule") from None
        if not low <= number <= high:
            raise InvalidInput(
                _("%(key)s 须在 %(low)d 到 %(high)d 之间。")
                % {"key": key, "low": low, "high": high},
                code="invalid_rule",
            )
        clean[key] = number
    locked = Group.objects.select_for_update().get(pk=group.pk)
    before = aid_rules_get(group=locked)
    after = AidRules(**{**before.as_dict(), **clean})
    diff = {
        k: [before.as_dict()[k], v] for k, v in after.as_dict().items() if before.as_dict()[k] != v
    }
    if diff:
        config = dict(locked.config or {})
        config[CONFIG_KEY] = after.as_dict()
        locked.config = config
        locked.save(update_fields=["config"])
        group.config = config
        audit_record(
            event_type=AuditEventType.AID_SETTINGS_CHANGED,
            actor=actor,
            group=locked,
            target=locked,
            extra={"changes": diff},
        )
    return after


# --- posting ----------------------------------------------------------------------------------


def share_text_preview(*, text: str) -> ParsedShare:
    """What the post form shows while the member pastes (no writes, no screening)."""
    return share_text_parse(text[:BODY_MAX])


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("人数必须是整数。"), code="invalid_number") from None


def _price(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("价格格式不正确。"), code="invalid_price") from None
    if price < 0 or price >= Decimal("100000000"):
        raise InvalidInput(_("价格格式不正确。"), code="invalid_price")
    return price.quantize(Decimal("0.01"))


def open_same_goods(
    *, group: Group, platform: str, goods_id: str, clean_link: str
) -> AidRequest | None:
    """An open, published request in ``group`` for the same goods (by goods id, else by link)."""
    qs = AidRequest.objects.filter(
        group=group,
        status=AidStatus.OPEN,
        publication=Publication.PUBLISHED,
        kind__in=[AidKind.GROUPBUY, AidKind.BOOST],
    ).filter(Q(deadline__isnull=True) | Q(deadline__gt=timezone.now()))
    if goods_id:
        return qs.filter(platform=platform, goods_id=goods_id).order_by("deadline").first()
    if clean_link:
        return qs.filter(clean_link=clean_link).order_by("deadline").first()
    return None


def aid_request_post(
    *,
    actor: User,
    group: Group,
    kind: str,
    text: str = "",
    title: str = "",
    body: str = "",
    link: str = "",
    price: Any = None,
    size: Any = None,
    needed: Any = None,
    category: str = "",
    idempotency_key: str = "",
    post_anyway: bool = False,
) -> AidRequest:
    """Publish a group-buy, boost or question.

    For a group-buy or boost ``text`` may be a whole pasted share text: fields left empty are
    filled from it. The same goods already open in the group raises Conflict with
    ``code="same_goods_open"`` and ``existing_id`` so the page can offer "join that one instead";
    ``post_anyway`` publishes regardless (the member saw the offer and still wants their own).
    """
    key = _key(idempotency_key)
    if key:
        existing = AidRequest.objects.filter(requester=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    membership = _member(user=actor, group=group)
    _require_speaking(membership)
    group = membership.group
    # The owner's group quiet hours pause posting (wellbeing); admins may still post.
    group_quiet_hours_check(group=group, membership=membership, at=timezone.now())
    if not kind and (text or link):
        # A bot may paste a share text without saying what it is: read it from the text.
        kind = share_text_parse(f"{text}\n{link}").kind or AidKind.GROUPBUY
    if kind not in AidKind.values:
        raise InvalidInput(_("请选择拼团、助力或求助。"), code="invalid_kind")
    if kind != AidKind.QUESTION:
        # A group-buy or boost publishes a link: a privilege of standing (moderation).
        standing_require(
            user=actor,
            group=group,
            privilege="create_groupbuys" if kind == AidKind.GROUPBUY else "post_links",
        )

    fields: dict[str, Any] = {}
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if kind == AidKind.QUESTION:
        if category not in QuestionCategory.values:
            raise InvalidInput(
                _("请选择求助分类：学习、工作、生活、购物或其他。"), code="invalid_category"
            )
        if not title:
            raise InvalidInput(_("请填写求助标题。"), code="invalid_title")
        fields["category"] = category
        from huzhu.privacy.ratelimit import posting_rate_check

        posting_rate_check(user=actor)  # questions, answers and resources share one budget
    else:
        parsed = share_text_parse(f"{text}\n{link}" if link else text) if (text or link) else None
        if parsed is None or not parsed.link:
            raise InvalidInput(_("请粘贴拼团或助力的分享口令或链接。"), code="missing_link")
        if parsed.link_class in ("bad", "lookalike"):
            raise InvalidInput(
                _("这个链接疑似仿冒购物平台或不安全，不能发布（%(host)s）。")
                % {"host": parsed.host},
                code="link_suspicious",
            )
        if not parsed.is_shopping:
            raise InvalidInput(
                _("只能发布拼多多、淘宝、天猫、京东、美团等购物平台的链接。"),
                code="link_not_shopping",
            )
        title = (
            title
            or parsed.title
            or _("%(platform)s 商品") % {"platform": Platform(parsed.platform).label}
        )
        fields.update(
            platform=parsed.platform,
            goods_id=parsed.goods_id,
            clean_link=parsed.clean_link,
            price=_price(price if price not in (None, "") else parsed.price),
        )
        if kind == AidKind.GROUPBUY:
            size_value = _int_or_none(size) or parsed.size or 2
            if not 2 <= size_value <= 10:
                raise InvalidInput(_("拼团人数须在 2 到 10 人之间。"), code="invalid_size")
            fields["size"] = size_value
        else:
            needed_value = _int_or_none(needed) or parsed.needed or 1
            if not 1 <= needed_value <= 100:
                raise InvalidInput(_("助力次数须在 1 到 100 之间。"), code="invalid_needed")
            fields["needed"] = needed_value
    _check_lengths(title=title, body=body)

    refusal = aid_post_allowance(user=actor, group=group)
    if refusal:
        raise Forbidden(refusal, code="fairness_rule")

    if kind != AidKind.QUESTION and not post_anyway:
        same = open_same_goods(
            group=group,
            platform=fields["platform"],
            goods_id=fields["goods_id"],
            clean_link=fields["clean_link"],
        )
        if same is not None:
            raise Conflict(
                _("群里已有同款商品正在进行：「%(title)s」，直接加入那一个吧。")
                % {"title": same.title},
                code="same_goods_open",
                existing_id=same.pk,
            )

    screened, title, body = _screen_request(
        actor=actor,
        group=group,
        kind=kind,
        title=title,
        body=body,
        clean_link=fields.get("clean_link", ""),
    )
    publication = Publication.HELD if screened.action == "hold" else Publication.PUBLISHED
    rules = aid_rules_get(group=group)
    now = timezone.now()
    deadline = (
        now + timedelta(hours=rules.groupbuy_window_hours) if kind != AidKind.QUESTION else None
    )
    try:
        with transaction.atomic():
            request = AidRequest.objects.create(
                group=group,
                requester=actor,
                kind=kind,
                title=title,
                body=body,
                deadline=deadline,
                screening_action=screened.action,
                screening_reason=screened.reason[:300],
                publication=publication,
                idempotency_key=key,
                created_at=now,
                **fields,
            )
            if publication == Publication.HELD:
                _hold_for_review(request, actor=actor, screened=screened)
            _schedule_expiry(request)
            _search_index("aid_request", request)
            _announce(request)  # open request lists of the group show it
    except IntegrityError:
        # A concurrent retry with the same idempotency key won the insert.
        if key:
            existing = AidRequest.objects.filter(requester=actor, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    return request


# --- editing ----------------------------------------------------------------------------------


class _Keep:
    """The default of an edit's optional fields: leave the field as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()
# What a requester may change after posting. The kind, the link (and so the goods) and the
# deadline never change: helpers acted on them. Size and needed only until the first help.
EDITABLE_FIELDS = ("title", "body", "price", "size", "needed", "category")
_FIELDS_BY_KIND = {
    AidKind.GROUPBUY: {"title", "body", "price", "size"},
    AidKind.BOOST: {"title", "body", "price", "needed"},
    AidKind.QUESTION: {"title", "body", "category"},
}


def aid_request_edit_refusal(request: AidRequest) -> str | None:
    """Why ``request`` cannot be edited any more (the Chinese explanation), or None."""
    if request.publication == Publication.REJECTED:
        return _("这个请求未通过审核，不能修改，可以修改后重新发布。")
    if request.status == AidStatus.OPEN and request.deadline and request.deadline <= timezone.now():
        return _("这个请求已经过期了，不能再修改。")
    return {
        AidStatus.OPEN: None,
        AidStatus.COMPLETED: _("这个请求已经完成了，不能再修改。"),
        AidStatus.FAILED: _("这个请求已经过期了，不能再修改。"),
        AidStatus.RESOLVED: _("这个求助已经解决了，不能再修改。"),
        AidStatus.CLOSED: _("这个请求已经关闭了，不能再修改。"),
    }.get(AidStatus(request.status))


def aid_request_frozen_fields(request: AidRequest) -> dict[str, str]:
    """Fields of ``request`` that no longer change, with the explanation shown where it bites:
    once someone has joined or boosted, the size or number of boosts they signed up for stays."""
    if not request.helps_count:
        return {}
    if request.kind == AidKind.GROUPBUY:
        return {"size": _("已有群友参团，成团人数不能再修改；如需调整，请关闭后重新发布。")}
    if request.kind == AidKind.BOOST:
        return {"needed": _("已有群友助力，需要的助力次数不能再修改；如需调整，请关闭后重新发布。")}
    return {}


def _edit_values(request: AidRequest, given: dict[str, Any]) -> dict[str, Any]:
    """The edited fields, validated as posting validates them (``given``: only those sent)."""
    allowed = _FIELDS_BY_KIND[AidKind(request.kind)]
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in allowed:
            if value in (None, ""):
                continue  # a form's empty field that does not apply to this kind
            raise InvalidInput(
                _("这类请求没有这一项，不能修改：%(field)s") % {"field": name},
                code="field_not_editable",
            )
        if name == "title":
            value = " ".join((value or "").split())
            if not value:
                raise InvalidInput(_("请填写标题。"), code="invalid_title")
        elif name == "body":
            value = (value or "").strip()
        elif name == "price":
            value = _price(value)
        elif name == "size":
            value = _int_or_none(value)
            if value is None or not 2 <= value <= 10:
                raise InvalidInput(_("拼团人数须在 2 到 10 人之间。"), code="invalid_size")
        elif name == "needed":
            value = _int_or_none(value)
            if value is None or not 1 <= value <= 100:
                raise InvalidInput(_("助力次数须在 1 到 100 之间。"), code="invalid_needed")
        elif name == "category" and value not in QuestionCategory.values:
            raise InvalidInput(
                _("请选择求助分类：学习、工作、生活、购物或其他。"), code="invalid_category"
            )
        values[name] = value
    _check_lengths(title=values.get("title", ""), body=values.get("body", ""))
    return values


def _edit_changes(request: AidRequest, values: dict[str, Any]) -> dict[str, Any]:
    """What actually changes, refused where it touches a frozen field (checked under the lock)."""
    changes = {k: v for k, v in values.items() if v != getattr(request, k)}
    frozen = aid_request_frozen_fields(request)
    for name in changes:
        if name in frozen:
            raise Conflict(frozen[name], code="frozen_after_help")
    return changes


def aid_request_edit(
    *,
    actor: User,
    request_id: int,
    title: Any = KEEP,
    body: Any = KEEP,
    price: Any = KEEP,
    size: Any = KEEP,
    needed: Any = KEEP,
    category: Any = KEEP,
) -> AidRequest:
    """The requester changes their open request: title, body, price and a question's category;
    a group-buy's size or a boost's number of helps until the first help. Fields left at KEEP
    stay; ``price=None`` clears the price.

    Edited text passes the same screening as posting: blocked is refused with the reason and the
    published version stays unchanged; redacted is stored redacted; held takes the request back
    to the review queue until a moderator publishes it again — unless members have already
    joined or helped, then the edit is refused (``edit_needs_review``) and the published version
    stays, so their group-buy or boost is not stalled. The version it replaces is kept
    (``AidRequestRevision``) for moderators. Repeating an edit changes nothing the second time;
    the row is locked, so an edit and a help at the same moment both count (an edit never writes
    the help counter, and a help committed first freezes the size).
    """
    given = {
        name: value
        for name, value in {
            "title": title,
            "body": body,
            "price": price,
            "size": size,
            "needed": needed,
            "category": category,
        }.items()
        if value is not KEEP
    }
    request = AidRequest.objects.select_related("group").filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("没有找到这个请求。"))
    membership = _member(user=actor, group=request.group_id, not_found=_("没有找到这个请求。"))
    if request.requester_id != actor.pk:
        if request.publication != Publication.PUBLISHED and not membership.is_admin:
            raise NotFound(_("没有找到这个请求。"))
        raise Forbidden(_("只有发布者本人可以修改这个请求。"), code="not_requester")
    _require_speaking(membership)
    refusal = aid_request_edit_refusal(request)
    if refusal:
        raise Conflict(refusal, code="request_not_editable")
    values = _edit_values(request, given)
    changes = _edit_changes(request, values)
    if not changes:
        return request  # nothing new (a repeat, or the form sent back what was there)
    screened: Screened | None = None
    if "title" in changes or "body" in changes:
        screened, new_title, new_body = _screen_request(
            actor=actor,
            group=request.group,
            kind=request.kind,
            title=values.get("title", request.title),
            body=values.get("body", request.body),
            clean_link=request.clean_link,
        )
        values.update(title=new_title, body=new_body)
    with transaction.atomic():
        locked = (
            AidRequest.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=request.pk)
        )
        refusal = aid_request_edit_refusal(locked)
        if refusal:
            raise Conflict(refusal, code="request_not_editable")
        changes = _edit_changes(locked, values)
        if not changes:
            return locked
        held = screened is not None and screened.action == "hold"
        was_published = locked.publication == Publication.PUBLISHED
        if held and was_published and locked.helps_count:
            # Members already joined or helped: taking the request away from them until a
            # moderator looks would stall their group-buy or boost. The published version stays;
            # the requester rewords or asks an admin.
            raise Conflict(
                _(
                    "修改后的内容需要管理员审核。已有群友参与这个请求，为了不打断他们，"
                    "这次修改没有保存；请换个说法再试，或联系群管理员。"
                ),
                code="edit_needs_review",
            )
        AidRequestRevision.objects.create(
            request=locked,
            editor=actor,
            screening_action=screened.action if screened else locked.screening_action,
            **{name: getattr(locked, name) for name in EDITABLE_FIELDS},
        )
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.edited_at = timezone.now()
        update = [*changes, "edited_at"]
        if screened is not None:
            locked.screening_action = screened.action
            locked.screening_reason = screened.reason[:300]
            update += ["screening_action", "screening_reason"]
            if held:
                locked.publication = Publication.HELD
                update.append("publication")
                if was_published:
                    _hold_for_review(locked, actor=actor, screened=screened, edit=True)
                else:  # already waiting for review: the open item covers the new version
                    _review_enqueue_on_commit(
                        locked, findings={"action": screened.action, "reason": screened.reason}
                    )
        locked.save(update_fields=update)  # never helps_count or status: helps stay theirs
        _search_index("aid_request", locked)
        _announce_card(locked)
        if locked.helps_count and locked.publication == Publication.PUBLISHED:
            _notify_joined_of_edit(locked, actor=actor)
    return locked


def _notify_joined_of_edit(request: AidRequest, *, actor: User) -> None:
    """Members who joined a group-buy or helped a boost agreed to what it said then; a changed
    title, description or price is theirs to know about (the page shows the earlier version)."""
    helps = request.helps.filter(status=HelpStatus.OK).select_related("helper")
    notification_create_many(
        users=[h.helper for h in helps],  # never the actor: it skips them
        kind=kinds.JOINED_REQUEST_EDITED,
        group=request.group,
        actor=actor,
        params=_params(request),
        url=_url(request),
    )


def _announce_card(request: AidRequest) -> None:
    """After commit: the request's page and every chat card of it re-render. The payload is the
    chat card itself (title included), so an edited title or a request published again after
    review shows at once; a request back in review is announced as unavailable."""
    from huzhu.chat.cards import aid_card
    from huzhu.realtime.events import AidUpdated, Audience
    from huzhu.realtime.publish import event_publish_on_commit

    event_publish_on_commit(
        AidUpdated(group_id=request.group_id, audience=Audience(), aid=aid_card(request))
    )


# --- helping ----------------------------------------------------------------------------------


def _finish(request: AidRequest, status: str) -> None:
    request.status = status
    request.finished_at = timezone.now()
    _search_index("aid_request", request)  # finished requests rank lower in search


@dataclass(frozen=True, slots=True)
class _Locked:
    request: AidRequest
    membership_id: int | None  # the helper's active membership in the request's group
    muted_until: datetime | None
    earlier_help: int | None


@functools.cache
def _lock_for_help_sql(vendor: str) -> tuple[str, str, tuple[int, ...]]:
    """(locking read, re-read of the subqueries, column counts per model) for this database
    vendor, built once: the text only depends on the models."""
    from huzhu.accounts.models import User as UserModel
    from huzhu.core.rows import select_columns
    from huzhu.wellbeing.models import WellbeingSettings

    qn = connection.ops.quote_name
    pg = vendor == "postgresql"
    requests, groups = qn(AidRequest._meta.db_table), qn(Group._meta.db_table)
    users, prefs = qn(UserModel._meta.db_table), qn(WellbeingSettings._meta.db_table)
    subqueries = (
        f"(SELECT m.{qn('id')} FROM {qn(Membership._meta.db_table)} m WHERE m.{qn('group_id')} = "  # noqa: S608
        f"r.{qn('group_id')} AND m.{qn('user_id')} = %s AND m.{qn('status')} = %s LIMIT 1), "
        f"(SELECT m.{qn('muted_until')} FROM {qn(Membership._meta.db_table)} m WHERE "
        f"m.{qn('group_id')} = r.{qn('group_id')} AND m.{qn('user_id')} = %s AND "
        f"m.{qn('status')} = %s LIMIT 1), "
        f"(SELECT h.{qn('id')} FROM {qn(Help._meta.db_table)} h WHERE h.{qn('request_id')} = "
        f"r.{qn('id')} AND h.{qn('helper_id')} = %s LIMIT 1)"
    )
    columns = [
        select_columns(AidRequest, "r"),
        select_columns(Group, "g"),
        select_columns(UserModel, "u"),
        select_columns(WellbeingSettings, "w"),
    ]
    versions = (
        f", r.xmin::text, (SELECT v.xmin::text FROM {requests} v WHERE v.{qn('id')} = r.{qn('id')})"  # noqa: S608
        if pg
        else ", NULL, NULL"
    )
    sql = (
        f"SELECT {', '.join(c for cols in columns for c in cols)}, {subqueries}{versions} "  # noqa: S608 - model names
        f"FROM {requests} r JOIN {groups} g ON g.{qn('id')} = r.{qn('group_id')} "
        f"JOIN {users} u ON u.{qn('id')} = r.{qn('requester_id')} "
        f"LEFT JOIN {prefs} w ON w.{qn('user_id')} = r.{qn('requester_id')} "
        f"WHERE r.{qn('id')} = %s" + (" FOR UPDATE OF r" if pg else "")
    )
    again = f"SELECT {subqueries} FROM {requests} r WHERE r.{qn('id')} = %s"  # noqa: S608
    return sql, again, tuple(len(cols) for cols in columns)


def _lock_for_help(*, request_id: int, actor: User) -> _Locked | None:
    """Lock the request for a help and read, in the same round trip, its group, its requester
    (with their quiet-hours settings, for the notification), the helper's active membership
    and an earlier help of theirs. Hand-written: it runs on every help, and the ORM spent more CPU building this
    query than PostgreSQL takes to answer it.

    On PostgreSQL the subqueries read the statement's snapshot, taken before the lock was granted:
    if another transaction changed the row meanwhile (e.g. a double tap whose first help just
    committed), its row version differs from the one in our snapshot and they are read again,
    under the lock.
    """
    from huzhu.accounts.models import User as UserModel
    from huzhu.core.rows import converted, instance_from_row
    from huzhu.wellbeing.models import WellbeingSettings

    sql, again, widths = _lock_for_help_sql(connection.vendor)
    sub_params: list[Any] = [
        actor.pk,
        MembershipStatus.ACTIVE,
        actor.pk,
        MembershipStatus.ACTIVE,
        actor.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sub_params, request_id])
        row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        parts = []
        for width in widths:
            parts.append(values[:width])
            values = values[width:]
        membership_id, muted_until, earlier_help, locked, snapshot = values
        if locked != snapshot:
            cursor.execute(again, [*sub_params, request_id])
            membership_id, muted_until, earlier_help = cursor.fetchone()
    request = instance_from_row(AidRequest, parts[0])
    request.group = instance_from_row(Group, parts[1])
    request.requester = instance_from_row(UserModel, parts[2])
    has_prefs = parts[3][0] is not None
    UserModel.wellbeing_settings.related.set_cached_value(
        request.requester, instance_from_row(WellbeingSettings, parts[3]) if has_prefs else None
    )
    return _Locked(
        request=request,
        membership_id=membership_id,
        muted_until=converted(Membership, "muted_until", muted_until) if muted_until else None,
        earlier_help=earlier_help,
    )


@transaction.atomic
def help_give(*, actor: User, request_id: int, idempotency_key: str = "") -> Help:
    """Record one help (我已参团 / 已助力) on a group-buy or boost.

    The request row is locked, so of two members taking the last group-buy slot at once exactly
    one succeeds; the other is told it is full. A retry or double tap returns the first help.
    """
    key = _key(idempotency_key)
    locked = _lock_for_help(request_id=request_id, actor=actor)
    if locked is None or locked.membership_id is None:
        raise NotFound(_("没有找到这个请求。"))
    if locked.earlier_help is not None:
        # One help per helper per request: a repeat is the same help, whatever key it carries.
        return Help.objects.select_related("helper").get(pk=locked.earlier_help)
    request = locked.request
    membership = Membership(
        pk=locked.membership_id,
        group_id=request.group_id,
        user_id=actor.pk,
        muted_until=locked.muted_until,
    )
    if request.publication != Publication.PUBLISHED:
        raise NotFound(_("没有找到这个请求。"))
    if request.requester_id == actor.pk:
        raise Forbidden(_("不能帮助自己发布的请求。"), code="own_request")
    if request.kind == AidKind.QUESTION:
        raise InvalidInput(_("求助请直接回答。"), code="question_needs_answer")
    _require_speaking(membership)
    if request.status == AidStatus.OPEN and request.deadline and request.deadline <= timezone.now():
        # Overdue but not yet swept: refuse without writing (this transaction is about to roll
        # back); the expiry task or the next read marks it failed.
        raise Conflict(_("这个请求已经过期了。"), code="request_expired")
    if request.status != AidStatus.OPEN:
        if request.status == AidStatus.COMPLETED and request.kind == AidKind.GROUPBUY:
            raise Conflict(_("这个拼团已经满员了。"), code="groupbuy_full")
        if request.status == AidStatus.COMPLETED:
            raise Conflict(_("这个助力已经完成了，谢谢你！"), code="request_completed")
        if request.status == AidStatus.FAILED:
            raise Conflict(_("这个请求已经过期了。"), code="request_expired")
        raise Conflict(_("这个请求已经关闭了。"), code="request_closed")
    rules = aid_rules_get(group=request.group)
    if rules.max_helps_per_day:
        today = Help.objects.filter(
            group_id=request.group_id, helper=actor, created_at__gte=_day_start()
        ).count()
        if today >= rules.max_helps_per_day:
            raise Forbidden(
                _("本群每人每天最多帮助 %(max)d 次，今天已经够啦，明天再来吧。")
                % {"max": rules.max_helps_per_day},
                code="help_daily_cap",
            )
    help_ = Help(request=request, group_id=request.group_id, helper=actor, idempotency_key=key)
    request.helps_count += 1
    target = request.target or 0
    completed = request.helps_count >= target
    ledger = _ledger_rows(
        group=request.group_id,
        gainer_id=actor.pk,
        payer_id=request.requester_id,
        amount=1,
        reason=LedgerReason.HELP,
        request=request,
    )
    params, url = _params(request), _url(request)
    notification = notification_prepare(
        user=request.requester,
        kind=kinds.HELP_RECEIVED,
        group=request.group,
        actor=actor,
        params=params,
        url=url,
    )
    if connection.vendor == "postgresql" and not completed:
        _help_write_together(help_=help_, request=request, ledger=ledger, notification=notification)
    else:
        help_.save(force_insert=True)
        update = ["helps_count"]
        if completed:
            _finish(request, AidStatus.COMPLETED)
            update += ["status", "finished_at"]
        request.save(update_fields=update)
        LedgerEntry.objects.bulk_create(ledger)
        if notification is not None:
            notification.save(force_insert=True)
    _announce(request)
    if completed:
        _notify(
            user=request.requester,
            kind=kinds.REQUEST_COMPLETED,
            group=request.group,
            params=params,
            url=url,
        )
        if request.kind == AidKind.GROUPBUY:
            helpers = [h.helper for h in request.helps.select_related("helper")]
            group = request.group
            notification_create_many(
                users=helpers,
                kind=kinds.GROUPBUY_JOINED_COMPLETED,
                group=group,
                params=params,
                url=url,
            )
    return help_


@transaction.atomic
def help_dispute(*, actor: User, help_id: int, reason: str = "") -> HelpDispute:
    """The requester says a claimed help never arrived: the moderators get a dispute to decide."""
    help_ = (
        Help.objects.select_for_update(of=("self",))
        .select_related("request", "group")
        .filter(pk=help_id)
        .first()
    )
    if help_ is None or help_.request.requester_id != actor.pk:
        raise NotFound(_("没有找到这次帮助。"))
    _member(user=actor, group=help_.group_id, not_found=_("没有找到这次帮助。"))
    if help_.status != HelpStatus.OK:
        raise Conflict(_("这次帮助已经在处理中了。"), code="already_disputed")
    help_.status = HelpStatus.DISPUTED
    help_.save(update_fields=["status"])
    dispute = HelpDispute.objects.create(
        help=help_, group_id=help_.group_id, reporter=actor, reason=reason.strip()[:300]
    )
    audit_record(
        event_type=AuditEventType.HELP_DISPUTED,
        actor=actor,
        group=help_.group,
        target_user=help_.helper,
        target=dispute,
        extra={"request_id": help_.request_id, "help_id": help_.pk, "reason": dispute.reason},
    )
    moderators = [
        m.user
        for m in help_.group.memberships.filter(
            status=MembershipStatus.ACTIVE, role__in=[Role.OWNER, Role.ADMIN]
        ).select_related("user")
    ]
    params, url, group = _params(help_.request), _url(help_.request), help_.group
    notification_create_many(
        users=moderators,
        kind=kinds.HELP_DISPUTED,
        group=group,
        actor=actor,
        params=params,
        url=url,
    )
    return dispute


@transaction.atomic
def help_dispute_resolve(*, actor: User, dispute_id: int, upheld: bool) -> HelpDispute:
    """A moderator decides. Upheld: the help is revoked and a reversing ledger pair is written."""
    dispute = (
        HelpDispute.objects.select_for_update(of=("self",))
        .select_related("help", "help__request")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise NotFound(_("没有找到这个争议。"))
    membership = _member(user=actor, group=dispute.group_id, not_found=_("没有找到这个争议。"))
    if not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以处理争议。"))
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_("这个争议已经处理过了。"), code="dispute_resolved")
    request = AidRequest.objects.select_for_update(of=("self",)).get(pk=dispute.help.request_id)
    help_ = dispute.help
    if upheld:
        help_.status = HelpStatus.REVOKED
        request.helps_count = max(request.helps_count - 1, 0)
        if (
            request.status == AidStatus.COMPLETED
            and request.deadline
            and request.deadline > timezone.now()
        ):
            request.status = AidStatus.OPEN
            request.finished_at = None
        request.save(update_fields=["helps_count", "status", "finished_at"])
        _announce(request)
        _ledger_pair(
            group=dispute.group_id,
            gainer_id=request.requester_id,
            payer_id=help_.helper_id,
            amount=1,
            reason=LedgerReason.DISPUTE_UPHELD,
            request=request,
        )
    else:
        help_.status = HelpStatus.OK
    help_.save(update_fields=["status"])
    dispute.status = DisputeStatus.UPHELD if upheld else DisputeStatus.REJECTED
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    dispute.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit_record(
        event_type=AuditEventType.HELP_DISPUTE_RESOLVED,
        actor=actor,
        group=membership.group,
        target_user=help_.helper,
        target=dispute,
        extra={"upheld": upheld, "request_id": request.pk},
    )
    _notify(
        user=dispute.reporter,
        kind=kinds.DISPUTE_RESOLVED,
        group=membership.group,
        actor=actor,
        params=_params(request),
        url=_url(request),
    )
    return dispute


# --- questions --------------------------------------------------------------------------------


def answer_post(*, actor: User, request_id: int, body: str, idempotency_key: str = "") -> Answer:
    key = _key(idempotency_key)
    if key:
        existing = Answer.objects.filter(author=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    request = AidRequest.objects.select_related("group").filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("没有找到这个请求。"))
    membership = _member(user=actor, group=request.group_id, not_found=_("没有找到这个请求。"))
    if request.kind != AidKind.QUESTION or request.publication != Publication.PUBLISHED:
        raise NotFound(_("没有找到这个求助。"))
    _require_speaking(membership)
    if request.requester_id == actor.pk:
        raise Forbidden(_("不能回答自己的求助，可以修改求助内容补充说明。"), code="own_request")
    if request.status != AidStatus.OPEN:
        raise Conflict(_("这个求助已经结束了。"), code="request_closed")
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("请填写回答内容。"), code="invalid_body")
    if len(body) > ANSWER_MAX:
        raise InvalidInput(_("回答最多 5000 个字符。"), code="invalid_body")
    from huzhu.privacy.ratelimit import posting_rate_check

    posting_rate_check(user=actor)  # questions, answers and resources share one budget
    screened = _screen(text=body, author=actor, group=request.group, kind="answer")
    _refuse_blocked(screened)
    if screened.has_link:
        standing_require(user=actor, group=request.group, privilege="post_links")
    with transaction.atomic():
        answer = Answer.objects.create(
            request=request,
            author=actor,
            body=screened.text if screened.action == "redact" else body,
            screening_action=screened.action,
            publication=Publication.HELD if screened.action == "hold" else Publication.PUBLISHED,
            idempotency_key=key,
        )
        _search_index("aid_answer", answer)
        if answer.publication == Publication.HELD:
            _review_enqueue_on_commit(answer, findings={"action": screened.action})
        if answer.publication == Publication.PUBLISHED:
            _notify(
                user=request.requester,
                kind=kinds.ANSWER_RECEIVED,
                group=request.group,
                actor=actor,
                params=_params(request),
                url=_url(request),
            )
    return answer


@transaction.atomic
def answer_accept(*, actor: User, answer_id: int) -> Answer:
    """The asker accepts one answer: the question is resolved and the author earns the weight."""
    answer = Answer.objects.select_related("request").filter(pk=answer_id).first()
    if answer is None or answer.request.requester_id != actor.pk:
        raise NotFound(_("没有找到这个回答。"))
    request = (
        AidRequest.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=answer.request_id)
    )
    _member(user=actor, group=request.group_id, not_found=_("没有找到这个回答。"))
    if answer.publication != Publication.PUBLISHED:
        raise NotFound(_("没有找到这个回答。"))
    if request.status != AidStatus.OPEN:
        raise Conflict(_("这个求助已经结束了。"), code="request_closed")
    weight = aid_rules_get(group=request.group).answer_weight
    answer.accepted = True
    answer.accepted_at = timezone.now()
    answer.save(update_fields=["accepted", "accepted_at"])
    _search_index("aid_answer", answer)
    _finish(request, AidStatus.RESOLVED)
    request.helps_count = 1
    request.save(update_fields=["status", "finished_at", "helps_count"])
    _announce(request)
    _ledger_pair(
        group=request.group_id,
        gainer_id=answer.author_id,
        payer_id=actor.pk,
        amount=weight,
        reason=LedgerReason.ANSWER_ACCEPTED,
        request=request,
    )
    _notify(
        user=answer.author,
        kind=kinds.ANSWER_ACCEPTED,
        group=request.group,
        actor=actor,
        params=_params(request),
        url=_url(request),
    )
    return answer


@transaction.atomic
def request_thank(*, actor: User, request_id: int, helper_id: int) -> int:
    """The requester thanks one helper (their helps and answers on this request). Idempotent."""
    request = AidRequest.objects.select_related("group").filter(pk=request_id).first()
    if request is None or request.requester_id != actor.pk:
        raise NotFound(_("没有找到这个请求。"))
    _member(user=actor, group=request.group_id, not_found=_("没有找到这个请求。"))
    now = timezone.now()
    thanked = Help.objects.filter(
        request=request, helper_id=helper_id, thanked_at__isnull=True
    ).update(thanked_at=now) + Answer.objects.filter(
        request=request, author_id=helper_id, thanked_at__isnull=True
    ).update(thanked_at=now)
    if thanked:
        helper = (
            Membership.objects.select_related("user")
            .get(group_id=request.group_id, user_id=helper_id)
            .user
        )
        _notify(
            user=helper,
            kind=kinds.THANKED,
            group=request.group,
            actor=actor,
            params=_params(request),
            url=_url(request),
        )
    elif not (
        Help.objects.filter(request=request, helper_id=helper_id).exists()
        or Answer.objects.filter(request=request, author_id=helper_id).exists()
    ):
        raise InvalidInput(_("这位群友没有帮助过这个请求。"), code="not_a_helper")
    return thanked


@transaction.atomic
def request_close(*, actor: User, request_id: int) -> AidRequest:
    """The requester (or a moderator) closes an open request; no ledger change."""
    request = (
        AidRequest.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(_("没有找到这个请求。"))
    membership = _member(user=actor, group=request.group_id, not_found=_("没有找到这个请求。"))
    if request.requester_id != actor.pk and not membership.is_admin:
        raise NotFound(_("没有找到这个请求。"))
    if request.status != AidStatus.OPEN:
        raise Conflict(_("这个请求已经结束了。"), code="request_closed")
    _finish(request, AidStatus.CLOSED)
    request.save(update_fields=["status", "finished_at"])
    _announce(request)
    if request.requester_id != actor.pk:
        audit_record(
            event_type=AuditEventType.AID_REQUEST_MODERATED,
            actor=actor,
            group=request.group,
            target_user=request.requester,
            target=request,
            extra={"action": "close"},
        )
    return request


@transaction.atomic
def aid_request_moderate(*, actor: User, request_id: int, approve: bool) -> AidRequest:
    """A moderator publishes or rejects a request the screening held."""
    request = (
        AidRequest.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound(_("没有找到这个请求。"))
    membership = _member(user=actor, group=request.group_id, not_found=_("没有找到这个请求。"))
    if not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以审核。"))
    if request.publication != Publication.HELD:
        raise Conflict(_("这个请求不在待审核状态。"), code="not_held")
    request.publication = Publication.PUBLISHED if approve else Publication.REJECTED
    request.save(update_fields=["publication"])
    if approve:
        _announce_card(request)  # whole cards: shared before an edit held it, they show again
    else:
        _announce(request)
    _search_index("aid_request", request)
    audit_record(
        event_type=AuditEventType.AID_REQUEST_MODERATED,
        actor=actor,
        group=request.group,
        target_user=request.requester,
        target=request,
        extra={"action": "approve" if approve else "reject"},
    )
    return request


# --- expiry -----------------------------------------------------------------------------------


def _expire_locked(request: AidRequest) -> None:
    """Mark a locked, open, overdue request failed and notify (after commit)."""
    _finish(request, AidStatus.FAILED)
    request.save(update_fields=["status", "finished_at"])
    _announce(request)
    params, url = _params(request), _url(request)
    recipients = [request.requester] + [
        h.helper for h in request.helps.filter(status=HelpStatus.OK).select_related("helper")
    ]
    group = request.group
    notification_create_many(
        users=recipients, kind=kinds.REQUEST_EXPIRED, group=group, params=params, url=url
    )


@transaction.atomic
def aid_request_expire(*, request_id: int) -> bool:
    """Fail the request if it is still open at its deadline. Idempotent; True if it expired now."""
    request = (
        AidRequest.objects.select_for_update(of=("self",))
        .select_related("group", "requester")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status != AidStatus.OPEN or request.deadline is None:
        return False
    if request.deadline > timezone.now():
        return False
    _expire_locked(request)
    return True


def aid_requests_expire_due(*, group: Group | None = None, limit: int = 200) -> int:
    """Expire overdue open requests now (lazy expiry on read; also a sweep for late workers)."""
    due = AidRequest.objects.filter(status=AidStatus.OPEN, deadline__lte=timezone.now())
    if group is not None:
        due = due.filter(group=group)
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if aid_request_expire(request_id=pk))
