"""Issue 13 item 5: the 季通报 as a notice (临政办发〔2022〕15 号 六(四) "实行季通报制度"): drafted by the product for a
quarter end, edited and published by the city land bureau, kept immutable with its .docx and xlsx annex; county users
read published notices only."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from land import rules
from land.models import QuarterNotice

Q3 = "2022-09-30"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.mark.parametrize(
    ("day", "quarter_end"),
    [
        # 六(四) "实行季通报制度": a notice for each quarter end
        (datetime.date(2022, 3, 31), True),
        (datetime.date(2022, 6, 30), True),
        (datetime.date(2022, 9, 30), True),
        (datetime.date(2022, 12, 31), True),
        (datetime.date(2022, 9, 29), False),
        (datetime.date(2022, 10, 1), False),
        (datetime.date(2023, 3, 31), True),
    ],
)
def test_quarter_end_六_四_季通报(day, quarter_end):
    assert rules.is_quarter_end(day) is quarter_end


def _document_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


@pytest.mark.django_db
def test_draft_edit_publish_through_the_pages(login, users, land, make_parcel, dispose):
    parcel = make_parcel("尧都区", approved_on=datetime.date(2015, 1, 1), area="500")
    dispose(parcel, "2022-06-01", "400")
    client = login(users["city_land"])
    refused = client.post(reverse("land:notice-list") + "?year=2022&as_of=2022-09-29")
    assert refused.status_code == 400 and "季度末" in refused.content.decode()
    response = client.post(reverse("land:notice-list") + f"?year=2022&as_of={Q3}")
    assert response.status_code == 302
    notice = QuarterNotice.objects.get()
    assert notice.status == "draft"
    assert "截至 2022 年 09 月 30 日,全市批而未供土地消化任务" in notice.body
    assert "06 月 30 日 时间节点(应完成 50%)" in notice.body and "拟约谈" in notice.body
    assert "暂停受理建设用地报件" in notice.body
    url = reverse("land:notice-detail", args=[notice.pk])
    no_number = client.post(
        url, {"title": notice.title, "document_no": "", "body": notice.body, "publish": "1"}
    )
    assert no_number.status_code == 400 and "发布前请填写文号" in no_number.content.decode()
    body = notice.body + "\n请各县(市、区)对照通报抓好整改。"
    published = client.post(
        url, {"title": notice.title, "document_no": "临自然资〔2022〕88 号", "body": body, "publish": "1"}
    )
    assert published.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "published" and notice.published_by == users["city_land"]
    docx = client.get(reverse("land:notice-docx", args=[notice.pk]))
    text = _document_text(b"".join(docx.streaming_content))
    assert "临自然资〔2022〕88 号" in text and "抓好整改" in text and "尧都区" in text and "附件" in text
    from docx import Document

    opened = Document(
        io.BytesIO(b"".join(client.get(reverse("land:notice-docx", args=[notice.pk])).streaming_content))
    )
    paragraphs = [p.text for p in opened.paragraphs]
    assert paragraphs[0] == "临自然资〔2022〕88 号"  # the 文号 line first, then the title
    ranking = opened.tables[0]
    assert [cell.text for cell in ranking.rows[0].cells][:2] == ["排名", "县(市、区)"]
    assert "尧都区" in [row.cells[1].text for row in ranking.rows[1:]]
    annex = client.get(reverse("land:notice-annex", args=[notice.pk]))
    assert annex.status_code == 200
    # published: immutable in every channel
    assert client.post(url, {"title": "改", "document_no": "x", "body": "x"}).status_code == 403
    from land import services

    with pytest.raises(ValidationError):
        services.notice_edit(actor=users["city_land"], notice=notice, title="改", document_no="x", body="x")


@pytest.mark.django_db
def test_counties_read_published_notices_only(login, users, land, api):
    from land import services

    as_of = datetime.date.fromisoformat(Q3)
    draft = services.notice_draft(actor=users["city_land"], campaign=land, as_of=datetime.date(2022, 6, 30))
    published = services.notice_draft(actor=users["city_land"], campaign=land, as_of=as_of)
    services.notice_edit(
        actor=users["city_land"],
        notice=published,
        title=published.title,
        document_no="临自然资〔2022〕9 号",
        body=published.body,
    )
    services.notice_publish(actor=users["city_land"], notice=published)
    county = login(users["yaodu_land"])
    listing = county.get(reverse("land:notice-list")).content.decode()
    assert "临自然资〔2022〕9 号" in listing and "起草季通报" not in listing
    assert county.get(reverse("land:notice-detail", args=[draft.pk])).status_code == 404
    assert county.get(reverse("land:notice-detail", args=[published.pk])).status_code == 200
    assert county.get(reverse("land:notice-docx", args=[published.pk])).status_code == 200
    client = api.as_user(users["hongdong_land"])
    body = client.get("/api/v1/land/notices/").json()
    assert [n["id"] for n in body["results"]] == [published.pk]
    assert client.get(f"/api/v1/land/notices/{draft.pk}/").status_code == 404
    assert (
        client.post("/api/v1/land/notices/?year=2022", {"as_of": "2022-12-31"}, format="json").status_code
        == 403
    )
    patch = client.patch(f"/api/v1/land/notices/{published.pk}/", {"title": "改"}, format="json")
    assert patch.status_code == 403


@pytest.mark.django_db
def test_api_drafts_edits_and_publishes(api, users, land):
    client = api.as_user(users["city_land"])
    created = client.post("/api/v1/land/notices/?year=2022", {"as_of": Q3}, format="json")
    assert created.status_code == 201, created.json()
    notice_id = created.json()["id"]
    again = client.post("/api/v1/land/notices/?year=2022", {"as_of": Q3}, format="json")
    assert again.status_code == 400
    edited = client.patch(
        f"/api/v1/land/notices/{notice_id}/", {"document_no": "临自然资〔2022〕7 号"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["document_no"] == "临自然资〔2022〕7 号"
    published = client.post(f"/api/v1/land/notices/{notice_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["docx_url"].endswith("notice.docx")
    refused = client.patch(f"/api/v1/land/notices/{notice_id}/", {"title": "改"}, format="json")
    assert refused.status_code == 400
