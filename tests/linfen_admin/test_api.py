import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from linfen_admin.models import Notification, Region

ROOT = Path(__file__).resolve().parents[2]


def test_token_endpoint_returns_a_token_that_authenticates(client, users):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "yaodu_land", "password": "pw-for-tests-123"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["region"] == "尧都区"
    assert me.json()["roles"] == ["county_land"]


def test_wrong_password_is_refused_with_the_common_error_body(client, users):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "yaodu_land", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["errors"] and body["errors"][0]["message"]


def test_api_requires_authentication(client, seeded):
    response = client.get("/api/v1/regions/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_a_bad_token_is_refused(client, seeded):
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def _notify(user, title, period="2022-06"):
    region = Region.objects.get(name="尧都区")
    return Notification.objects.create(
        recipient=user,
        rule="test.rule",
        content_type=ContentType.objects.get_for_model(Region),
        object_id=str(region.pk),
        period=period,
        title=title,
    )


def test_notifications_are_the_callers_own_inbox_paginated(api, users):
    mine = _notify(users["yaodu_land"], "尧都区批而未供处置进度低于 50%")
    theirs = _notify(users["hongdong_land"], "洪洞县提醒")
    response = api.as_user(users["yaodu_land"]).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    read = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_inbox_is_empty_for_a_new_user(api, users):
    body = api.as_user(users["leader"]).get("/api/v1/notifications/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_not_found_has_the_common_error_body(api, users):
    response = api.as_user(users["leader"]).get("/api/v1/notifications/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_generation_has_no_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
            "--settings",
            "linfen_admin.settings.test",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token/", "/api/v1/regions/", "/api/v1/notifications/"):
        assert path in document["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
