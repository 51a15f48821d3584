"""Issue 13 item 4: 约谈 and 通报批评 (临政办发〔2022〕15 号 六(四) "对组织不力、进展缓慢、成效不明显的县(市、区),将约谈
县(市、区)人民政府主要领导并通报批评"): proposed by the product, confirmed or dismissed by the city land bureau,
through the page and the API, scoped and audited."""

import pytest
from django.urls import reverse

from land import rules
from land.models import Interview
from linfen_admin.models import AuditEvent

AS_OF = "2022-10-08"  # after the 6-30 and 9-30 milestones: a region without disposals missed both


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.mark.parametrize(
    ("misses", "rank", "worst", "basis"),
    [
        # 六(四) "组织不力、进展缓慢": two milestones missed in a row, or the last place of the ranking
        (2, 3, 5, ["misses"]),
        (3, 5, 5, ["misses", "last"]),
        (1, 5, 5, ["last"]),
        (1, 4, 5, []),
        (0, 1, 1, []),  # every ranked region shares the first place: nobody is last
        (1, None, 5, []),  # no task, not ranked
        (2, None, None, ["misses"]),
    ],
)
def test_interview_basis_六_四(misses, rank, worst, basis):
    assert rules.interview_basis(consecutive_misses=misses, rank=rank, worst_rank=worst) == basis


@pytest.mark.django_db
def test_page_lists_proposals_and_confirm_creates_the_records(login, users, land, region):
    client = login(users["city_land"])
    page = client.get(reverse("land:interview-list"), {"year": 2022, "as_of": AS_OF}).content.decode()
    assert "洪洞县" in page and "连续 2 次未按时间节点完成清理任务" in page
    hongdong = region("洪洞县")
    url = reverse("land:interview-confirm", args=[hongdong.pk]) + f"?year=2022&as_of={AS_OF}"
    prefix = f"c{hongdong.pk}"
    refused = client.post(url, {f"{prefix}-region": hongdong.pk, f"{prefix}-as_of": AS_OF})
    assert refused.status_code == 400 and "被约谈领导" in refused.content.decode()
    response = client.post(
        url,
        {
            f"{prefix}-region": hongdong.pk,
            f"{prefix}-as_of": AS_OF,
            f"{prefix}-held_on": "2022-10-12",
            f"{prefix}-leader": "县长 张某",
            f"{prefix}-reason": "连续两个节点未完成",
            f"{prefix}-criticised": "on",
        },
    )
    assert response.status_code == 302
    records = Interview.objects.filter(region=hongdong)
    assert {r.kind for r in records} == {"interview", "criticism"}
    assert all(r.status == "confirmed" and "连续 2 次" in r.basis for r in records)
    assert AuditEvent.objects.filter(object_id__in=[str(r.pk) for r in records]).exists()
    page = client.get(reverse("land:interview-list"), {"year": 2022, "as_of": AS_OF}).content.decode()
    assert "县长 张某" in page
    assert f'action="{reverse("land:interview-confirm", args=[hongdong.pk])}' not in page  # decided once


@pytest.mark.django_db
def test_county_reads_only_its_own_records_and_cannot_decide(login, users, land, region, api):
    from land import services

    city = users["city_land"]
    campaign = land
    import datetime

    as_of = datetime.date.fromisoformat(AS_OF)
    for name in ("洪洞县", "尧都区"):
        services.interview_confirm(
            actor=city,
            campaign=campaign,
            region=region(name),
            as_of=as_of,
            held_on=as_of,
            leader=f"{name}县长",
            reason="进展缓慢",
        )
    page = login(users["yaodu_land"]).get(reverse("land:interview-list")).content.decode()
    assert "尧都区县长" in page and "洪洞县县长" not in page and "确认约谈" not in page
    client = api.as_user(users["yaodu_land"])
    body = client.get("/api/v1/land/interviews/").json()
    assert [r["region"] for r in body["results"]] == ["尧都区"]
    other = Interview.objects.get(region__name="洪洞县")
    assert client.get(f"/api/v1/land/interviews/{other.pk}/").status_code == 404
    assert client.get("/api/v1/land/interviews/proposals/", {"as_of": AS_OF}).status_code == 403
    refused = client.post(
        "/api/v1/land/interviews/dismiss/?year=2022",
        {"region": "尧都区", "as_of": AS_OF, "reason": "自己不约谈自己"},
        format="json",
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_api_proposals_dismiss_with_reason_and_confirm(api, users, land):
    client = api.as_user(users["city_land"])
    proposals = client.get("/api/v1/land/interviews/proposals/", {"year": 2022, "as_of": AS_OF}).json()
    names = [p["region"] for p in proposals]
    assert "洪洞县" in names and all(p["consecutive_misses"] >= 2 for p in proposals)
    no_reason = client.post(
        "/api/v1/land/interviews/dismiss/?year=2022",
        {"region": "洪洞县", "as_of": AS_OF, "reason": ""},
        format="json",
    )
    assert no_reason.status_code == 400
    dismissed = client.post(
        "/api/v1/land/interviews/dismiss/?year=2022",
        {"region": "洪洞县", "as_of": AS_OF, "reason": "已书面说明客观原因"},
        format="json",
    )
    assert dismissed.status_code == 201, dismissed.json()
    assert dismissed.json()["status_label"] == "不予约谈"
    again = client.get("/api/v1/land/interviews/proposals/", {"year": 2022, "as_of": AS_OF}).json()
    assert "洪洞县" not in [p["region"] for p in again]
    twice = client.post(
        "/api/v1/land/interviews/confirm/?year=2022",
        {"region": "洪洞县", "as_of": AS_OF, "held_on": AS_OF, "leader": "县长", "reason": "慢"},
        format="json",
    )
    assert twice.status_code == 400
    confirmed = client.post(
        "/api/v1/land/interviews/confirm/?year=2022",
        {
            "region": names[-1],
            "as_of": AS_OF,
            "held_on": AS_OF,
            "leader": "县长",
            "reason": "慢",
            "criticised": False,
        },
        format="json",
    )
    assert confirmed.status_code == 201 and [r["kind"] for r in confirmed.json()] == ["interview"]


@pytest.mark.django_db
def test_a_region_not_proposed_cannot_be_interviewed(api, users, land):
    client = api.as_user(users["city_land"])
    response = client.post(
        "/api/v1/land/interviews/confirm/?year=2022",
        {
            "region": "洪洞县",
            "as_of": "2022-05-01",
            "held_on": "2022-05-02",
            "leader": "县长",
            "reason": "慢",
        },
        format="json",
    )
    assert response.status_code == 400 and "不在" in str(response.json())
