"""The deliberation app's API routers, one per area."""

from ninja import Router

from linli.deliberation.api_conventions import router as conventions_router
from linli.deliberation.api_meetings import router as meetings_router
from linli.deliberation.api_votes import router as votes_router

router = Router()
router.add_router("/", votes_router)
router.add_router("/", meetings_router)
router.add_router("/", conventions_router)
