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


class AccountSecurityMiddleware:
    """Before any other page: a person whose password an administrator set chooses their own, and a person who
    needs a second factor (``twofactor.required_for``) enrols or enters a code. The pages doing that, signing out
    and the language switch stay open; the API answers 403 with the reason."""

    OPEN_URL_NAMES = frozenset(
        {
            "login",
            "logout",
            "set_language",
            "healthz",
            "account-password",
            "two-factor-setup",
            "two-factor-qr",
            "two-factor-verify",
            "javascript-catalog",
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in self.OPEN_URL_NAMES:
            return None
        step = self._pending_step(user)
        if step is None:
            return None
        from django.http import HttpResponseRedirect, JsonResponse
        from django.urls import reverse
        from django.utils.http import urlencode

        url_name, reason = step
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason}, status=403)
        return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _pending_step(user):
        from django.utils.translation import gettext as _

        from . import twofactor

        if user.must_change_password:
            return "account-password", _("首次登录(或管理员重设密码后)须先修改密码。")
        if twofactor.required_for(user) and not user.is_verified():
            if twofactor.enrolled(user):
                return "two-factor-verify", _("请先输入身份验证器中的验证码。")
            return "two-factor-setup", _("本账号可进入系统管理,须先启用双因素认证。")
        return None
