"""Deploy checks (``manage.py check --deploy``): the unsafe defaults that would let production run quietly wrong.

- demo accounts (found by the ``is_demo`` mark ``seed_demo`` sets on every one of them, not by a list of names);
- the console e-mail backend (digests "sent" to stdout and marked sent), the in-memory Celery broker (tasks lost
  between processes), a process-local cache shared by several web workers, and a loopback ``SITE_URL`` (links in
  the e-mail digests that point nowhere).
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.security, deploy=True)
def demo_accounts_absent(app_configs, **kwargs):
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    try:
        demo = list(
            get_user_model().objects.filter(is_demo=True, is_active=True).values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not demo:
        return []
    return [
        checks.Error(
            f"Active demo accounts exist ({len(demo)}): {', '.join(sorted(demo))}",
            hint="seed_demo made them; deactivate or delete every one before going live.",
            id="linfen_admin.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def services_configured(app_configs, **kwargs):
    errors = []
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        errors.append(
            checks.Error(
                "E-mail goes to the console: the daily digests would be marked sent and never reach anyone.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).",
                id="linfen_admin.E002",
            )
        )
    if str(settings.CELERY_BROKER_URL).startswith("memory://"):
        errors.append(
            checks.Error(
                "Celery uses the in-memory broker: beat's sweeps would never reach a worker.",
                hint="Set REDIS_URL (the broker and the cache).",
                id="linfen_admin.E003",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    workers = os.environ.get("WEB_CONCURRENCY", "")
    if backend in LOCAL_CACHES and workers != "1":
        errors.append(
            checks.Error(
                "The cache is local to each process, but several web workers run (WEB_CONCURRENCY is "
                f"{workers or 'unset'}): what one worker caches, the others never see.",
                hint="Set REDIS_URL, or run a single worker and set WEB_CONCURRENCY=1.",
                id="linfen_admin.E004",
            )
        )
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host in LOOPBACK_HOSTS:
        errors.append(
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in the e-mail digests would point at the reader's own "
                "machine.",
                hint="Set SITE_URL to the address users open, e.g. https://dubanxt.linfen.gov.cn",
                id="linfen_admin.E005",
            )
        )
    return errors


ROUTINE_SUPERUSER_SIGN_INS = 3  # in 30 days: more than an emergency
ROUTINE_WINDOW_DAYS = 30


@checks.register(checks.Tags.security, deploy=True)
def separated_administrators(app_configs, **kwargs):
    """三权分立: the superuser is for emergencies. Warn when more than one can sign in, or when one signs in
    routinely; and refuse production without the second factor for the accounts that reach 系统管理."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import DatabaseError
    from django.db.models import Count
    from django.utils import timezone

    from .models import AuditEvent

    problems = []
    if not settings.TWO_FACTOR_REQUIRED:
        problems.append(
            checks.Error(
                "TWO_FACTOR_REQUIRED is off: accounts that can open the admin sign in with a password alone.",
                hint="Unset TWO_FACTOR_REQUIRED (production turns it on) or set it to 1.",
                id="linfen_admin.E006",
            )
        )
    try:
        superusers = [
            user
            for user in get_user_model().objects.filter(is_superuser=True, is_active=True)
            if user.has_usable_password()
        ]
        since = timezone.now() - datetime.timedelta(days=ROUTINE_WINDOW_DAYS)
        sign_ins = (
            AuditEvent.objects.filter(actor__in=superusers, action=AuditEvent.Action.LOGIN, at__gte=since)
            .values_list("actor__username")
            .annotate(count=Count("id"))
            .order_by()
        )
        routine = {username: count for username, count in sign_ins if count >= ROUTINE_SUPERUSER_SIGN_INS}
    except DatabaseError:
        return problems
    if len(superusers) > 1:
        problems.append(
            checks.Warning(
                f"{len(superusers)} superusers can sign in: {', '.join(sorted(u.username for u in superusers))}",
                hint="Keep one, for emergencies; give people the 系统管理员, 安全管理员 or 审计管理员 role instead.",
                id="linfen_admin.W001",
            )
        )
    for username, count in sorted(routine.items()):
        problems.append(
            checks.Warning(
                f"The superuser {username} signed in {count} times in the last {ROUTINE_WINDOW_DAYS} days.",
                hint="Daily work goes through the three administrator roles; the superuser is for emergencies.",
                id="linfen_admin.W002",
            )
        )
    return problems
