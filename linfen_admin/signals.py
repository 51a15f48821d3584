"""Sign-ins are security events: each one leaves an audit row (housekeeping, hence a signal)."""

import logging

from . import audit

logger = logging.getLogger("linfen_admin.security")


def _client_address(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


def record_login(sender, request, user, **kwargs):
    audit.record(
        actor=user, action=audit.Action.LOGIN, obj=user, comment=f"登录 {_client_address(request)}".strip()
    )


def record_login_failure(sender, credentials, request=None, **kwargs):
    logger.warning("failed sign-in for %r from %s", credentials.get("username"), _client_address(request))
