"""gunicorn settings for the web service (``gunicorn -c deploy/gunicorn.conf.py linfen_admin.wsgi``)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
graceful_timeout = 30
forwarded_allow_ips = "127.0.0.1"  # nginx on the same host sets X-Forwarded-Proto
# One access line per request on stdout (journald keeps it): client, time, request, status, size, duration in µs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sµs "%(f)s" "%(a)s"'
