"""The search page, and "search before you ask": a partial that shows similar questions and
resources while a member composes a question, and the same goods already posted while they post a
group-buy (the member can still post).

Embedding the panel in any form: ``{% include "web/search/_similar_panel.html" with group=group %}``
inside the ``<form>``. It reads the form's ``title``, ``body``, ``text``, ``link`` and ``kind`` fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from huzhu.groups.access import access_group
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.search.query import KIND_FILTERS, Hit, search

if TYPE_CHECKING:
    from huzhu.accounts.models import User

PERIODS = {"7": 7, "30": 30, "365": 365}
SIMILAR_LIMIT = 5


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def hit_url(hit: Hit) -> str:
    """Where a result opens: the resource, the request, the answer on its question, the chat."""
    doc = hit.doc
    if doc.kind == "resource":
        return reverse("web:resource_detail", kwargs={"resource_id": doc.object_id})
    if doc.kind == "aid_request":
        return reverse("web:aid_request", args=[doc.group_id, doc.object_id])
    if doc.kind == "aid_answer" and doc.parent_id:
        url = reverse("web:aid_request", args=[doc.group_id, doc.parent_id])
        return f"{url}#answer-{doc.object_id}"
    return reverse("web:chat", args=[doc.group_id]) + f"#seq-{doc.parent_id or ''}"


@dataclass
class ResultRow:
    hit: Hit
    url: str
    label: str = ""
    flags: list[str] = field(default_factory=list)


def _rows(hits: list[Hit]) -> list[ResultRow]:
    from django.utils.translation import gettext as _

    labels = {
        "deal": _("优惠"),
        "guide": _("攻略"),
        "study": _("学习资料"),
        "experience": _("工作经验"),
        "tip": _("生活技巧"),
        "question": _("求助"),
        "groupbuy": _("拼团"),
        "boost": _("助力"),
        "answer": _("回答"),
        "message": _("聊天"),
    }
    return [
        ResultRow(hit=h, url=hit_url(h), label=labels.get(h.doc.subkind, ""), flags=h.doc.flag_list)
        for h in hits
    ]


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in KIND_FILTERS else ""
    groups = [
        m.group
        for m in Membership.objects.select_related("group")
        .filter(user=user, status=MembershipStatus.ACTIVE)
        .order_by("group__name")
    ]
    group_id: int | None = None
    raw_group = request.GET.get("group", "")
    if raw_group.isdigit() and any(g.pk == int(raw_group) for g in groups):
        group_id = int(raw_group)
    period = request.GET.get("period", "")
    since = timezone.now() - timedelta(days=PERIODS[period]) if period in PERIODS else None
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10))
    except ValueError:
        page = 1
    result = None
    if query:
        result = search(
            user=user,
            query=query,
            kinds=[kind] if kind else None,
            group_id=group_id,
            since=since,
            limit=20,
            offset=(page - 1) * 20,
        )
    context: dict[str, Any] = {
        "nav": "search",
        "query": query,
        "kind": kind,
        "group_id": group_id,
        "period": period,
        "groups": groups,
        "result": result,
        "rows": _rows(result.hits) if result else [],
        "page": page,
        "has_next": bool(result and len(result.hits) == 20 and page < 10),
    }
    template = (
        "web/search/_results.html" if request.headers.get("HX-Request") else "web/search/page.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def similar_panel(request: HttpRequest, group_id: int) -> HttpResponse:
    """Similar questions and resources for what is being typed; same goods for a group-buy."""
    group, _membership = access_group(user=_user(request), group_id=group_id)
    user = _user(request)
    kind = request.GET.get("kind", "question")
    title = request.GET.get("title", "").strip()
    body = request.GET.get("body", "").strip()
    text = request.GET.get("text", "").strip()
    link = request.GET.get("link", "").strip()
    same_goods: list[Any] = []
    same_deals: list[Any] = []
    share = f"{text}\n{link}".strip()
    if share and kind in ("groupbuy", "boost", "deal"):
        same_goods, same_deals = _same_goods(user=user, group=group, share=share)
    query = (title or text or body)[:60]
    hits: list[Hit] = []
    if len(query) >= 2:
        if kind in ("groupbuy", "boost"):
            kinds = ["groupbuy", "deal"]
        elif kind in ("deal", "guide", "study", "experience", "tip"):
            kinds = ["resource"]
        else:
            kinds = ["question", "answer", "resource"]
        hits = search(
            user=user, query=query, kinds=kinds, limit=SIMILAR_LIMIT, mode="any", relax=False
        ).hits
    return render(
        request,
        "web/search/_similar.html",
        {
            "group": group,
            "query": query,
            "rows": _rows(hits),
            "same_goods": same_goods,
            "same_deals": same_deals,
            "kind": kind,
        },
    )


def _same_goods(*, user: User, group: Any, share: str) -> tuple[list[Any], list[Any]]:
    """Open group-buys and live deals in this group for the goods in a pasted share text."""
    from huzhu.aid.share_text import share_text_parse

    parsed = share_text_parse(share)
    if not parsed.goods_id:
        return [], []
    from huzhu.aid.models import AidKind, AidRequest, AidStatus, Publication
    from huzhu.resources.services import resources_visible

    requests = list(
        AidRequest.objects.filter(
            group=group,
            goods_id=parsed.goods_id,
            kind__in=[AidKind.GROUPBUY, AidKind.BOOST],
            status=AidStatus.OPEN,
            publication=Publication.PUBLISHED,
        ).order_by("-created_at")[:3]
    )
    requests = [r for r in requests if r.is_open]
    deals = list(resources_visible(user=user, group=group).filter(goods_id=parsed.goods_id)[:3])
    return requests, deals
