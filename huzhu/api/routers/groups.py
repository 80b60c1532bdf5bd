"""Groups, memberships and invites (filled in by the API work)."""

from __future__ import annotations

from ninja import Router

router = Router()
