"""JSON API of the organizing app: party (mounted under /api/v1 by linli.api.api)."""

from ninja import Router

router = Router(tags=["party"])
