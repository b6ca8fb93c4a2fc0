"""The organizing app's API routers, one per area."""

from ninja import Router

from linli.organizing.api_groups import router as groups_router
from linli.organizing.api_party import router as party_router
from linli.organizing.api_volunteers import router as volunteers_router

router = Router()
router.add_router("/", groups_router)
router.add_router("/", volunteers_router)
router.add_router("/", party_router)
