"""JSON API of the organizing app: volunteers (mounted under /api/v1 by linli.api.api)."""

from ninja import Router

router = Router(tags=["volunteers"])
