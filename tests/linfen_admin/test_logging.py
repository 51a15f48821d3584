"""Logs: one line per event (also under DEBUG), errors mailed to ADMINS, JSON lines on request."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="linfen_admin.settings.local", DEBUG="1", **extra)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_django_log_line_is_printed_once_under_debug(tmp_path):
    result = _run(
        "import django, logging; django.setup(); logging.getLogger('django.request').warning('一次')",
        VAR_DIR=str(tmp_path),
    )
    assert result.stderr.count("一次") == 1, result.stderr


def test_json_lines(tmp_path):
    result = _run(
        "import django, logging; django.setup(); logging.getLogger('linfen_admin').warning('结构化')",
        VAR_DIR=str(tmp_path),
        LOG_FORMAT="json",
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "结构化" and line["level"] == "WARNING" and "+08:00" in line["time"]


def test_server_errors_are_mailed_to_admins(settings, mailoutbox):
    from django.utils.log import AdminEmailHandler

    settings.ADMINS = [("值班", "oncall@example.gov.cn")]
    settings.DEBUG = False
    handlers = [h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)]
    assert handlers
    logging.getLogger("django.request").error("Internal Server Error: /x/")
    assert [m.to for m in mailoutbox] == [["oncall@example.gov.cn"]]


def test_admins_from_the_environment(tmp_path):
    result = _run(
        "import django; django.setup(); from django.conf import settings; print(settings.ADMINS)",
        VAR_DIR=str(tmp_path),
        ADMINS="值班室 <oncall@example.gov.cn>, ops@example.gov.cn",
    )
    assert "('值班室', 'oncall@example.gov.cn')" in result.stdout
    assert "('ops@example.gov.cn', 'ops@example.gov.cn')" in result.stdout
