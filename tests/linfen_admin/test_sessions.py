"""Sessions and passwords (等保 2.0 level 3): 30 idle minutes, 8 hours at most, a new key at sign-in; passwords of
at least 10 characters with three kinds of characters, not containing the username."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

RIGHT = "pw-for-tests-123"


def _sign_in(client, username):
    return client.post("/login/", {"username": username, "password": RIGHT})


def test_idle_for_30_minutes_signs_out(client, users):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, "leader")
        assert client.get("/?workbench=1").status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/?workbench=1").status_code == 200  # still active, and the clock restarts
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/?workbench=1")
        assert response.status_code == 302 and response.url.startswith("/login/")
        assert "_auth_user_id" not in client.session


def test_eight_hours_after_sign_in_the_session_ends_however_active(client, users):
    _sign_in(client, "leader")
    expiry = client.session.get_expiry_date()
    assert datetime.timedelta(hours=7, minutes=59) < expiry - timezone.now() <= datetime.timedelta(hours=8)
    client.get("/?workbench=1")
    assert client.session.get_expiry_date() == expiry  # activity never extends it


def test_the_session_key_changes_at_sign_in(client, users):
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    _sign_in(client, "leader")
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Short1!", "password_too_short"),
        ("alllowercase", "password_classes"),
        ("yaodu_land-X9", "password_contains_username"),
    ],
)
def test_password_rules(users, password, reason):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, users["yaodu_land"])
    assert reason in {error.code for error in caught.value.error_list}


def test_a_good_password_passes(users):
    validate_password("Fenhe-River-2026", users["yaodu_land"])
