"""The Celery app. Broker: Redis from REDIS_URL. Beat runs once, in Asia/Shanghai."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linfen_admin.settings.local")

app = Celery("linfen_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
