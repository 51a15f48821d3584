"""Uploads: size limit, extension AND magic bytes, private storage, download only through the scoped view."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from subsidies.models import Document, State

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{marker}document.xml", "<x/>")
    return buffer.getvalue()


def upload(client, application, name, content, kind="application"):
    return client.post(
        f"/api/v1/subsidies/applications/{application.pk}/documents/",
        {"file": SimpleUploadedFile(name, content), "kind": kind},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("申报书.pdf", PDF),
        ("现场照片.PNG", PNG),
        ("现场照片.jpg", JPG),
        ("可研报告.docx", office("word/")),
        ("投资明细.xlsx", office("xl/")),
    ],
)
def test_accepted_types(api, users, make_application, settings, name, content):
    application = make_application(State.DRAFT)
    response = upload(api.as_user(users["yaodu_industry"]), application, name, content)
    assert response.status_code == 201, response.json()
    document = Document.objects.get()
    assert document.original_name == name
    path = document.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and name not in path  # stored under a random name
    from linfen_admin.settings import base

    assert base.MEDIA_URL is None  # no public URL serves uploads; only the access-checked download view does


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("申报书.pdf", PNG),  # extension says pdf, bytes say png
        ("脚本.exe", b"MZ\x90\x00"),
        ("页面.html", b"<html></html>"),
        ("伪装.docx", office("xl/")),  # a zip, but not a Word document
        ("伪装.xlsx", b"PK\x03\x04broken"),
        ("照片.png", b""),
    ],
)
def test_refused_types(api, users, make_application, name, content):
    application = make_application(State.DRAFT)
    response = upload(api.as_user(users["yaodu_industry"]), application, name, content)
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_size_limit(api, users, make_application, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    application = make_application(State.DRAFT)
    client = api.as_user(users["yaodu_industry"])
    assert upload(client, application, "大.pdf", PDF + b"0" * 1024).status_code == 400
    assert upload(client, application, "小.pdf", PDF).status_code == 201


def test_only_whoever_acts_now_uploads(api, users, make_application):
    application = make_application(State.CITY_REVIEW)
    assert upload(api.as_user(users["yaodu_industry"]), application, "a.pdf", PDF).status_code == 403
    assert upload(api.as_user(users["city_industry"]), application, "a.pdf", PDF, "review").status_code == 201
    assert upload(api.as_user(users["leader"]), application, "a.pdf", PDF).status_code == 403


def test_download_checks_scope(client, users, make_application):
    from subsidies.services import document_upload

    application = make_application(State.CITY_REVIEW)
    document = document_upload(
        actor=users["city_industry"],
        application=application,
        uploaded_file=SimpleUploadedFile("核查报告.pdf", PDF),
        kind="inspection",
    )
    url = f"/subsidies/documents/{document.pk}/download/"
    for username, status in (
        ("yaodu_industry", 200),
        ("city_industry", 200),
        ("leader", 200),
        ("hongdong_industry", 404),
        ("city_energy", 404),
        ("expert1", 404),
        ("yaodu_land", 404),
    ):
        client.force_login(users[username])
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert "attachment" in response["Content-Disposition"]
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
