from __future__ import annotations

from typing import Any

from huzhu.resources.services import resource_share
from tests.resources.conftest import PDD_LINK


def share_deal(actor: Any, group: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "kind": "deal",
        "title": "维达抽纸 3层130抽24包",
        "body": "拼多多百亿补贴，比超市便宜一半",
        "tags": "纸巾,日用",
        "link": PDD_LINK,
        "price": "29.90",
        "original_price": "45.00",
    }
    fields.update(overrides)
    return resource_share(actor=actor, group=group, **fields)
