import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language (language cookie set by ``set_language``).

    Django's ``LocaleMiddleware`` would follow the browser's Accept-Language, so a clerk on an English
    system would get English pages; here the choice is the user's, not the browser's.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        # ``override`` restores the previous language afterwards, so one request's choice never leaks into the
        # next request served by the same thread (or into the next test).
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: the browser features no page of the product uses are switched off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class SessionLimitsMiddleware:
    """Sign a person out after ``SESSION_IDLE_SECONDS`` without a request, and ``SESSION_COOKIE_AGE`` after they
    signed in whatever they do (the expiry is fixed at sign-in, so activity never extends it). The last-seen time is
    written at most once a minute."""

    KEY = "linfen_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                from django.contrib import messages
                from django.contrib.auth import logout
                from django.contrib.auth.views import redirect_to_login
                from django.utils.translation import gettext as _

                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # the API answers 401/403 for the now anonymous request
                messages.info(
                    request,
                    _("您已 %(m)s 分钟未操作,请重新登录。") % {"m": settings.SESSION_IDLE_SECONDS // 60},
                )
                return redirect_to_login(request.get_full_path())
            if self.KEY not in request.session or now - last_seen >= 60:
                request.session[self.KEY] = now  # set at sign-in; refreshed at most once a minute (one write)
        return self.get_response(request)
