import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language


class PortalLocaleMiddleware(LocaleMiddleware):
    """Traditional Chinese unless the person chose English with the language switcher.

    The browser's Accept-Language is not consulted: the programme's users work in
    Chinese, whatever language their browser was set up in.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language or not check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRefreshMiddleware:
    """Sliding expiry without a write on every request.

    A signed-in session is saved again (and its cookie sent again) only when it was last
    refreshed more than ``SESSION_REFRESH_SECONDS`` ago, so the expiry slides at most that late
    while an ordinary page view writes nothing to the session store.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            last = session.get(self.KEY)
            if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
