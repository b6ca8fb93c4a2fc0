"""The one NinjaAPI instance behind /api/v1/: authentication, error handling and the apps' routers.

The interactive docs (/api/v1/docs) use the Swagger UI files ninja ships in its static folder, never a
CDN: Linli runs on closed networks. ninja picks its local template because "ninja" is in INSTALLED_APPS;
tests/test_api_docs.py keeps that true.
"""

from ninja import NinjaAPI, Swagger

from linli.api import errors
from linli.api.auth import bearer_auth, session_auth
from linli.core.api import router as core_router
from linli.deliberation.api import router as deliberation_router
from linli.jobs.api import router as jobs_router
from linli.notifications.api import router as notifications_router
from linli.organizing.api import router as organizing_router
from linli.registry.api import router as registry_router
from linli.registry.api_privacy import router as privacy_router

DESCRIPTION = """邻里 Linli 的数据接口。

**身份验证**：在请求头中提供接口令牌 `Authorization: Bearer <令牌>`（用 `linli api_token <用户名> <用途>` 创建，
只显示一次）；或者使用已登录的浏览器会话，此时修改类请求须带 CSRF 令牌（请求头 `X-CSRFToken`）。

**范围**：每个接口只返回您的角色可以看到的数据；范围外的对象一律返回 404，不透露其是否存在。
证件号码和手机号码一律打码。

**错误**：输入有误返回 422，格式为 `{"detail": "请更正标出的内容。", "errors": {"字段": ["说明"]}}`；
未登录 401，角色不允许 403。
"""

api = NinjaAPI(
    title="Linli 邻里 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[bearer_auth, session_auth],
    # validatorUrl: Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", privacy_router)
api.add_router("/", organizing_router)
api.add_router("/", deliberation_router)
api.add_router("/", notifications_router)
api.add_router("/", jobs_router)
