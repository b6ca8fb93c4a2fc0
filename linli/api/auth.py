"""Who is calling: a bearer token (scripts, other systems) or the browser's session (pages using fetch).

The session is checked for CSRF on unsafe methods; a bearer token is not, since a browser never sends it
by itself. Unlike ninja's stock `django_auth`, an anonymous request gets 401 (sign in) rather than the
CSRF 403, and the CSRF check only applies to a request that is actually signed in.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from linli.core.tokens import token_user


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is None:
            return None
        # Downstream code (history records, rules) reads request.user, as it does for pages.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("安全校验（CSRF）未通过：请刷新页面后重试，或改用接口令牌。"))
        return user


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()
