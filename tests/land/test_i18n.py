"""English pages of the land module: with the language cookie set by /i18n/setlang/ the ledger and the progress
dashboard are in English; without it they stay Chinese."""

import pytest
from django.urls import reverse


@pytest.fixture
def english(client):
    def as_user(user):
        client.force_login(user)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        return client

    return as_user


def test_ledger_in_english(english, users, land, make_parcel):
    make_parcel("尧都区", "idle", code="EN-1", name="英文地块", supervised=True)
    response = english(users["yaodu_land"]).get(reverse("land:parcel-list"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "<h1>Parcel ledger" in page
    assert "Flagged for supervision" in page and "EN-1" in page
    assert "宗地台账" not in page and "挂牌督办" not in page


def test_progress_dashboard_in_english(english, users, land):
    response = english(users["city_land"]).get(reverse("land:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Clean-up progress" in page
    assert "Clean-up of approved-but-unused land in 2022" in page
    assert "Export quarterly notice (xlsx)" in page
    assert "清理进度" not in page and "导出季通报" not in page


def test_without_the_cookie_the_same_pages_are_chinese(client, users, land, make_parcel):
    make_parcel("尧都区", "idle", code="ZH-1", name="中文地块", supervised=True)
    client.force_login(users["yaodu_land"])
    ledger = client.get(reverse("land:parcel-list")).content.decode()
    assert "<h1>宗地台账" in ledger and "挂牌督办" in ledger
    assert "Parcel ledger" not in ledger
    dashboard = client.get(reverse("land:dashboard")).content.decode()
    assert "清理进度" in dashboard and "Clean-up progress" not in dashboard
