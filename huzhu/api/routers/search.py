"""Search over the JSON API (mounted at ``/api/v1/search``): everything the caller's groups hold —
resources, questions, answers, group-buys and boosts, chat — and nothing else.

Snippets are HTML with the matches in ``<mark>``; all other text in them is escaped, so a client
may insert them as HTML.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from huzhu.api.auth import request_user
from huzhu.api.schemas import MAX_ID, Text, errors
from huzhu.search.query import Hit, search

router = Router()

KindFilter = Literal["resource", "deal", "question", "answer", "request", "groupbuy", "message"]


class SearchIn(Schema):
    q: Text = Field(min_length=1, max_length=100, description="查询 / query")
    kind: list[KindFilter] = Field(default_factory=list, description="类型 / kinds (repeatable)")
    group_id: int | None = Field(None, ge=1, le=MAX_ID, description="只搜这个群 / only this group")
    since: datetime | None = Field(None, description="不早于 / not before")
    until: datetime | None = Field(None, description="早于 / before")
    limit: int = Field(20, ge=1, le=50)
    offset: int = Field(0, ge=0, le=180)


class HitOut(Schema):
    kind: Literal["resource", "aid_request", "aid_answer", "chat_message"]
    subkind: str = Field(description="资源类型、互助类型或 answer/message / sub-type")
    object_id: int
    parent_id: int | None = Field(description="回答所属的求助 / an answer's question")
    group_id: int
    group_name: str
    title_html: str
    snippet_html: str
    flags: list[str] = Field(description="expired / resolved / finished / accepted")
    created_at: datetime
    score: float

    @classmethod
    def build(cls, hit: Hit) -> "HitOut":
        doc = hit.doc
        return cls(
            kind=doc.kind,  # type: ignore[arg-type]
            subkind=doc.subkind,
            object_id=doc.object_id,
            parent_id=doc.parent_id,
            group_id=doc.group_id,
            group_name=hit.group_name,
            title_html=str(hit.title_html),
            snippet_html=str(hit.snippet_html),
            flags=doc.flag_list,
            created_at=doc.created_at,
            score=hit.score,
        )


class SearchOut(Schema):
    query: str
    relaxed: bool = Field(
        description="没有同时包含所有词的结果，显示包含部分词的 / any-term fallback"
    )
    items: list[HitOut]


@router.get(
    "",
    response={200: SearchOut, **errors(422)},
    summary="搜索 / Search my groups",
    description=(
        "Chinese, English and numbers; two-character words (纸巾, 高数) work. Ranked by relevance, "
        "recency and helpfulness. Only groups the caller is an active member of are searched."
    ),
)
def search_endpoint(request: HttpRequest, params: Query[SearchIn]) -> SearchOut:
    result = search(
        user=request_user(request),
        query=params.q,
        kinds=list(params.kind),
        group_id=params.group_id,
        since=params.since,
        until=params.until,
        limit=params.limit,
        offset=params.offset,
    )
    return SearchOut(
        query=result.query, relaxed=result.relaxed, items=[HitOut.build(h) for h in result.hits]
    )
