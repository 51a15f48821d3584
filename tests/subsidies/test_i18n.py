"""English pages of the subsidies module: with the language cookie set by /i18n/setlang/ the application list and
the dashboard are in English (labels of states and categories too); without it they stay Chinese."""

import pytest
from django.urls import reverse

from subsidies.models import State


@pytest.fixture
def english(client):
    def as_user(user):
        client.force_login(user)
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        return client

    return as_user


def test_application_list_in_english(english, users, make_application):
    application = make_application(State.COUNTY_REVIEW)
    response = english(users["yaodu_industry"]).get(reverse("subsidies:application-list"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "<h1>Technology-upgrade subsidy fund applications</h1>" in page
    assert application.reference in page and "County review" in page
    assert "技术改造专项资金申报" not in page and "县级审核" not in page


def test_dashboard_in_english(english, users, make_application):
    make_application(State.PLANNED)
    page = english(users["leader"]).get(reverse("subsidies:dashboard")).content.decode()
    assert "Technology-upgrade subsidy fund dashboard" in page and "Budget use per call" in page
    assert "技术改造专项资金看板" not in page and "各批次预算使用" not in page


def test_without_the_cookie_the_same_pages_are_chinese(client, users, make_application):
    make_application(State.COUNTY_REVIEW)
    client.force_login(users["yaodu_industry"])
    listing = client.get(reverse("subsidies:application-list")).content.decode()
    assert "<h1>技术改造专项资金申报</h1>" in listing and "县级审核" in listing
    assert "Technology-upgrade subsidy fund applications" not in listing
    dashboard = client.get(reverse("subsidies:dashboard")).content.decode()
    assert (
        "技术改造专项资金看板" in dashboard and "Technology-upgrade subsidy fund dashboard" not in dashboard
    )
