"""Sign-in lockout (django-axes): per username and per address, on the sign-in page, the admin and the token
endpoint, counted in the database so every worker agrees; a Chinese message; an administrator unlocks."""

import pytest
from django.core.management import call_command

WRONG = "not-the-password-1"
RIGHT = "pw-for-tests-123"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def _page(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_the_right_one_then(client, users):
    for _ in range(4):
        assert _page(client, "yaodu_land", WRONG).status_code == 200  # the form again, with its error
    assert _page(client, "yaodu_land", WRONG).status_code == 429  # the fifth locks
    locked = _page(client, "yaodu_land", RIGHT)
    assert locked.status_code == 429 and "已被暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_follows_the_username_across_addresses(client, users):
    for index in range(5):
        _page(client, "hongdong_land", WRONG, address=f"10.0.1.{index}")
    assert _page(client, "hongdong_land", RIGHT, address="10.9.9.9").status_code == 429


def test_one_address_guessing_many_usernames_is_locked(client, users):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _page(client, name, WRONG, address="10.0.2.7")
    assert _page(client, "leader", RIGHT, address="10.0.2.7").status_code == 429
    assert _page(client, "leader", RIGHT, address="10.0.2.8").status_code == 302  # another address is not


def test_the_token_endpoint_counts_and_locks_the_same(api, users):
    from rest_framework.test import APIClient

    client = APIClient()
    for attempt in range(5):
        answer = client.post(
            "/api/v1/auth/token/", {"username": "finance", "password": WRONG}, REMOTE_ADDR="10.0.3.1"
        )
        assert answer.status_code == (400 if attempt < 4 else 429)  # the fifth locks
    locked = client.post(
        "/api/v1/auth/token/", {"username": "finance", "password": RIGHT}, REMOTE_ADDR="10.0.3.2"
    )
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"


def test_the_admin_sign_in_is_locked_too(client, users):
    for _ in range(5):
        client.post("/admin/login/", {"username": "city_land", "password": WRONG}, REMOTE_ADDR="10.0.4.1")
    response = client.post(
        "/admin/login/", {"username": "city_land", "password": RIGHT}, REMOTE_ADDR="10.0.4.2"
    )
    assert response.status_code == 429


def test_an_administrator_unlocks(client, users):
    for _ in range(5):
        _page(client, "yaodu_land", WRONG)
    call_command("axes_reset_username", "yaodu_land", verbosity=0)
    assert _page(client, "yaodu_land", RIGHT, address="10.0.0.99").status_code == 302


def test_failed_and_successful_sign_ins_are_audited_with_the_address(client, users):
    from linfen_admin.models import AuditEvent

    _page(client, "yaodu_land", WRONG, address="10.0.5.1")
    failed = AuditEvent.objects.filter(action="login_failed").get()
    assert failed.object_id == str(users["yaodu_land"].pk) and "10.0.5.1" in failed.comment
    _page(client, "yaodu_land", RIGHT, address="10.0.5.2")
    assert "10.0.5.2" in AuditEvent.objects.filter(action="login").get().comment
