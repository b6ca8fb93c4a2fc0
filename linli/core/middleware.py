"""Chinese first: pages are in zh-Hans unless the person chose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a committee PC with an English
Windows, or a volunteer's phone set to English, would open Linli in English without anyone asking. Here
pages follow only the switch's cookie; the JSON API still honours Accept-Language, since a program asks for
its language explicitly.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
