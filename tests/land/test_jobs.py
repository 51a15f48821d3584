"""The ledger export and a long import confirmation as background jobs (issue 11): the same rows as the direct
export, scoped to the person who started it, and the same all-or-nothing import as the page."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from land.models import Parcel
from linfen_admin.models import Job


@pytest.fixture(autouse=True)
def jobs_root(settings, tmp_path):
    settings.JOBS_ROOT = tmp_path / "jobs"


def _rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _run(client, url, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_a_long_ledger_offers_the_background_export_and_a_short_one_the_download(
    client, settings, users, make_parcel
):
    make_parcel("尧都区", code="J-1")
    make_parcel("洪洞县", code="J-2")
    client.force_login(users["city_land"])
    page = client.get(reverse("land:parcel-list"), {"kind": "unsupplied"}).content.decode()
    assert "导出 xlsx(后台生成)" not in page and reverse("land:parcel-export") in page
    settings.EXPORT_INLINE_MAX_ROWS = 1
    page = client.get(reverse("land:parcel-list"), {"kind": "unsupplied"}).content.decode()
    assert "导出 xlsx(后台生成)" in page
    assert f'action="{reverse("land:parcel-export-job")}"' in page
    assert 'name="query" value="kind=unsupplied"' in page


def test_the_background_export_has_the_rows_of_the_direct_export(
    client, users, make_parcel, django_capture_on_commit_callbacks
):
    make_parcel("尧都区", code="J-1")
    make_parcel("尧都区", "idle", code="J-2")
    make_parcel("洪洞县", code="J-3")
    client.force_login(users["city_land"])
    job = _run(
        client,
        reverse("land:parcel-export-job"),
        {"query": "kind=unsupplied"},
        django_capture_on_commit_callbacks,
    )
    assert (job.state, job.message, job.done, job.total) == ("done", "已导出 2 宗地。", 2, 2)
    download = client.get(reverse("job-download", args=[job.pk]))
    direct = client.get(reverse("land:parcel-export"), {"kind": "unsupplied"})
    assert _rows(b"".join(download.streaming_content)) == _rows(b"".join(direct.streaming_content))
    assert [
        row[2]
        for row in _rows(b"".join(client.get(reverse("job-download", args=[job.pk])).streaming_content))[1:]
    ] == [
        "J-1",
        "J-3",
    ]


def test_a_county_clerks_background_export_holds_only_the_county(
    client, users, make_parcel, django_capture_on_commit_callbacks
):
    make_parcel("尧都区", code="J-1")
    make_parcel("洪洞县", code="J-3")
    client.force_login(users["yaodu_land"])
    job = _run(client, reverse("land:parcel-export-job"), {"query": ""}, django_capture_on_commit_callbacks)
    codes = [
        row[2]
        for row in _rows(b"".join(client.get(reverse("job-download", args=[job.pk])).streaming_content))[1:]
    ]
    assert codes == ["J-1"]


def test_a_bad_filter_ends_the_export_in_words(client, users, land, django_capture_on_commit_callbacks):
    client.force_login(users["city_land"])
    job = _run(
        client,
        reverse("land:parcel-export-job"),
        {"query": "as_of=2022-13-45"},
        django_capture_on_commit_callbacks,
    )
    assert job.state == "failed" and job.message


def test_a_long_import_is_confirmed_as_a_job(
    client, settings, users, land, django_capture_on_commit_callbacks
):
    from .conftest import xlsx_upload

    settings.IMPORT_INLINE_MAX_ROWS = 1
    client.force_login(users["city_land"])
    sheet = xlsx_upload(
        [
            ["县(市、区)", "类型", "宗地编号", "项目名称", "面积"],
            ["尧都区", "批而未供", "JOB-1", "后台地块一", "3"],
            ["洪洞县", "批而未供", "JOB-2", "后台地块二", "4"],
        ]
    )
    response = client.post(reverse("land:import"), {"kind": "parcel", "dry_run": "on", "file": sheet})
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    job = _run(client, reverse("land:import-confirm"), {"token": token}, django_capture_on_commit_callbacks)
    assert (job.state, job.message) == ("done", "导入完成:共 2 行,新增 2,更新 0。")
    assert job.total == 4 and job.done == 4  # two rows validated, then two written
    assert sorted(Parcel.objects.values_list("code", flat=True)) == ["JOB-1", "JOB-2"]
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "导入完成" in page and "已完成" in page
    client.force_login(users["yaodu_land"])
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404


def test_a_confirmation_job_with_a_used_token_fails_in_words(
    client, settings, users, land, django_capture_on_commit_callbacks
):
    from land import jobs as land_jobs
    from linfen_admin import jobs

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(
            actor=users["city_land"], kind=land_jobs.IMPORT_CONFIRM, label="导入", params={"token": "x" * 43}
        )
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "没有待确认的导入,或已导入、已过期。")
