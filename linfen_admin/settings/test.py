"""Fast settings for the test suite. DATABASE_URL and REDIS_URL still select real services when set (CI)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105 - used by the test suite alone
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "zh-hans"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The live server (browser tests) wraps a media handler around MEDIA_URL; private media has none, so give it a
# prefix that no request uses. Nothing is ever served from it.
MEDIA_URL = "/__private-media-never-served__/"
JOBS_RUNNER = "sync"  # a job runs in the request, after commit, so a test sees its result at once
