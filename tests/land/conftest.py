import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from land import totals

from ..conftest import kept_after_each_test

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
D = Decimal


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Files the land pages keep (documents; the staged file of a dry run) go to folders of the test's own; the
    staging folder is returned."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAGING_ROOT = tmp_path / "staging"
    return settings.STAGING_ROOT


@pytest.fixture
def land(seeded):
    """Regions, groups and the 2022 campaign with the 附件 2 quotas (what ``load_seed`` loads)."""
    from land.seed import load_land_reference

    load_land_reference()
    from land.models import Campaign

    return Campaign.objects.get(year=2022)


@pytest.fixture
def region():
    from linfen_admin.models import Region

    return lambda name: Region.objects.get(name=name)


@pytest.fixture
def make_parcel(land, users):
    """Create a parcel through the service (audited), as city_land unless told otherwise."""
    from land import services
    from linfen_admin.models import Region

    counter = {"n": 0}

    def make(region_name="尧都区", kind="unsupplied", area="100", actor=None, **extra):
        counter["n"] += 1
        supervised = extra.pop("supervised", False)  # 挂牌督办 is a listing of its own (land.oversight)
        data = {
            "region": Region.objects.get(name=region_name),
            "kind": kind,
            "code": extra.pop("code", f"T{counter['n']:05d}"),
            "name": extra.pop("name", f"测试地块{counter['n']}"),
            "area_mu": D(area),
            **extra,
        }
        parcel = services.parcel_create(actor=actor or users["city_land"], data=data)
        if supervised:
            from land import oversight

            oversight.supervision_open(
                actor=users["city_land"],
                parcel=parcel,
                reason="长期未能消化处置",
                responsible_unit=f"{region_name}自然资源局",
                due_on=datetime.date.today() + datetime.timedelta(days=30),
            )
            parcel.refresh_from_db()
        return parcel

    return make


@pytest.fixture
def dispose(users):
    from land import services

    def record(parcel, on, area, method=None, actor=None):
        method = method or ("accelerate" if parcel.kind == "unsupplied" else "idle_fee")
        return services.disposal_record(
            actor=actor or users["city_land"],
            parcel=parcel,
            disposed_on=datetime.date.fromisoformat(on),
            area_mu=D(area),
            method=method,
        )

    return record


def csv_upload(rows, name="sheet.csv", encoding="utf-8-sig"):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="sheet.xlsx"):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def fixture_upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


@pytest.fixture(autouse=True)
def _parcel_counts_kept(request):
    """After every test that wrote parcels — through the services, the pages, the API, the admin or an import — each
    region's kept parcel count still matches its parcels (``land.totals.count_parcels``)."""
    yield from kept_after_each_test(request, totals.count_differences)
