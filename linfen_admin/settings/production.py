"""Production: every secret from the environment, HTTPS everywhere. ``manage.py check --deploy`` is clean."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, SPECTACULAR_SETTINGS
from .env import env_bool, env_int

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters) in production.")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind nginx every request comes from 127.0.0.1: the sign-in lockout and the audit take the client's address from
# X-Forwarded-For, trusting as many proxies as PROXY_COUNT (nginx alone: 1; 0 when nothing is in front).
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 1)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the load balancer probes over plain http
# Intranet mode over plain http (docs/operations.md, with its risks): SECURE_SSL_REDIRECT=0, SECURE_HSTS_SECONDS=0,
# SESSION_COOKIE_SECURE=0, CSRF_COOKIE_SECURE=0. check --deploy then warns, rightly.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The API's schema and its documentation pages are for signed-in users only.
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
