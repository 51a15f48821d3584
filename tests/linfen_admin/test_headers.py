"""Headers and surface: a strict Content-Security-Policy (no inline script or style needed by any page),
Permissions-Policy, and the API schema and docs behind sign-in in production."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),  # inline script
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=\"", re.I),
    re.compile(r"\son[a-z]+=\"", re.I),  # onclick=, onchange= …
]


def test_no_project_template_needs_inline_script_or_style():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        offenders += [f"{template.relative_to(ROOT)}: {p.pattern}" for p in INLINE if p.search(text)]
    assert offenders == []


def test_pages_carry_a_strict_policy(client, users):
    client.force_login(users["leader"])
    for url in (
        reverse("cockpit"),
        reverse("land:parcel-list"),
        reverse("land:map"),
        "/admin/login/",
        "/login/",
    ):
        response = client.get(url, follow=True)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_swagger_loads_its_setup_from_a_file_not_an_inline_script(client, users):
    client.force_login(users["leader"])
    page = client.get("/api/v1/docs/").content.decode()
    assert not INLINE[0].search(page)


def test_schema_and_docs_need_sign_in_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="linfen_admin.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT="0",
    )
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/api/v1/schema/').status_code, c.get('/api/v1/docs/').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert len(result.stdout.split()) >= 2, result.stderr[-2000:]
    schema, docs = result.stdout.split()[-2:]
    assert schema in ("401", "403") and docs in ("401", "403")
