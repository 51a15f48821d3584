"""Sign-ins are security events: each one leaves an audit row (housekeeping, hence a signal)."""

import datetime
import logging
import time

from django.conf import settings
from django.utils import timezone

from . import audit

logger = logging.getLogger("linfen_admin.security")


def _client_address(request) -> str:
    """The client's address as the lockout sees it (X-Forwarded-For behind the configured proxies)."""
    if request is None:
        return ""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # An absolute lifetime: the session ends SESSION_COOKIE_AGE after signing in, however active it is.
        request.session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
        from .middleware import SessionLimitsMiddleware

        request.session[SessionLimitsMiddleware.KEY] = int(time.time())  # idle time counts from signing in
    audit.record(
        actor=user, action=audit.Action.LOGIN, obj=user, comment=f"登录 {_client_address(request)}".strip()
    )


def record_login_failure(sender, credentials, request=None, **kwargs):
    """A failed sign-in is logged, and audited against the account it tried (when that account exists)."""
    from .accounts import system_user
    from .models import User

    username, address = credentials.get("username"), _client_address(request)
    logger.warning("failed sign-in for %r from %s", username, address)
    target = User.objects.filter(username=username).first() if username else None
    if target is not None:
        audit.record(
            actor=system_user(),
            action=audit.Action.LOGIN_FAILED,
            obj=target,
            comment=f"登录失败 {address}".strip(),
        )
