"""Hostile spreadsheets: bounded before and while they are read, every cell checked, nothing written. The same
checks in every import path (page and API alike go through ``land.imports``). Time and memory on such files are
measured by ``bench/hostile_imports.py``, not here."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from land import imports, sheets
from land.models import Parcel, TaskQuota

from .conftest import csv_upload, xlsx_upload

QUOTA_HEADER = ["县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"]
PARCEL_HEADER = ["县(市、区)", "类型", "宗地编号", "项目名称", "面积(亩)", "价款(万元)"]


def _bomb(unpacked_mb: int) -> SimpleUploadedFile:
    """A tiny xlsx whose worksheet unpacks to ``unpacked_mb`` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (unpacked_mb * 1024 * 1024))
    return SimpleUploadedFile("bomb.xlsx", buffer.getvalue())


def test_a_zip_bomb_is_refused_before_parsing(users, land):
    upload = _bomb(240)
    assert upload.size < 1_000_000
    with pytest.raises(ValidationError) as caught:  # from the zip's directory, before any worksheet is read
        imports.quota_import(actor=users["city_land"], campaign=land, upload=upload, dry_run=False)
    assert "解压后过大" in caught.value.messages[0]
    assert TaskQuota.objects.filter(campaign=land).count() == 19  # untouched


def test_a_sheet_past_the_row_cap_is_refused_as_soon_as_the_cap_is_passed(users, land, settings):
    settings.IMPORT_MAX_ROWS = {"quota": 200, "parcel": 50}
    rows = [PARCEL_HEADER] + [["尧都区", "批而未供", f"R-{i}", "地块", "x", ""] for i in range(5000)]
    with pytest.raises(ValidationError) as caught:
        imports.parcel_import(actor=users["city_land"], upload=csv_upload(rows), dry_run=True)
    assert "超过 50 行的上限" in caught.value.messages[0]
    assert not Parcel.objects.exists()


def test_at_most_200_errors_are_listed_with_the_total(users, land, settings):
    settings.IMPORT_MAX_ROWS = {"quota": 200, "parcel": 1000}
    rows = [PARCEL_HEADER] + [["尧都区", "批而未供", f"R-{i}", "地块", "不是数字", ""] for i in range(900)]
    with pytest.raises(sheets.SheetInvalid) as caught:
        imports.parcel_import(actor=users["city_land"], upload=csv_upload(rows), dry_run=False)
    assert caught.value.total == 900 and len(caught.value.errors) == 200


def test_the_api_answers_the_total_beside_the_first_200(api, users, land, settings):
    settings.IMPORT_MAX_ROWS = {"quota": 200, "parcel": 1000}
    rows = [PARCEL_HEADER] + [["尧都区", "批而未供", f"R-{i}", "地块", "-1", ""] for i in range(300)]
    response = api.as_user(users["city_land"]).post(
        "/api/v1/land/parcels/import/?dry_run=true", {"file": csv_upload(rows)}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["total_errors"] == 300 and len(body["errors"]) == 200


def test_formula_cells_are_refused_with_row_and_column(users, land):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(QUOTA_HEADER)
    sheet.append(["尧都区", "=10*100", 5])  # written by a script: no cached value, would read as blank = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("quota.xlsx", buffer.getvalue())
    before = TaskQuota.objects.get(campaign=land, region__name="尧都区").unsupplied_mu
    with pytest.raises(sheets.SheetInvalid) as caught:
        imports.quota_import(actor=users["city_land"], campaign=land, upload=upload, dry_run=False)
    [error] = caught.value.errors
    assert (error.row, error.column, error.message) == (2, "B", "请将公式转换为数值后再导入")
    assert TaskQuota.objects.get(campaign=land, region__name="尧都区").unsupplied_mu == before


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("123456789012345", "超出范围"),
        ("1E+15", "科学计数法"),
        (1e15, "超出范围"),
        (1.5e-7, "科学计数法"),
        ("NaN", "不是有效的数字"),
        ("inf", "不是有效的数字"),
        ("1.23456", "最多保留 3 位小数"),
    ],
)
def test_numbers_beyond_the_column_are_refused_with_a_row_error(users, land, cell, message):
    upload = xlsx_upload([QUOTA_HEADER, ["尧都区", cell, 0]])
    with pytest.raises(sheets.SheetInvalid) as caught:
        imports.quota_import(actor=users["city_land"], campaign=land, upload=upload, dry_run=False)
    assert any(message in error.message and error.row == 2 for error in caught.value.errors), (
        caught.value.errors
    )
    assert TaskQuota.objects.get(campaign=land, region__name="尧都区").unsupplied_mu < Decimal("1000000")


def test_a_nul_character_is_refused_with_its_row_and_column_and_nothing_is_written(users, land):
    """PostgreSQL cannot store NUL in text: the sheet is refused in words, not by the database at the write. (In the
    first 4 KB the upload check already refuses the file as not text.)"""
    good = [["尧都区", "批而未供", f"NUL-{n}", "城东地块", "10", ""] for n in range(200)]
    bad = ["尧都区", "批而未供", "NUL-X", "城东\x00地块", "10", ""]
    upload = csv_upload([PARCEL_HEADER, *good, bad])
    assert upload.size > 4096
    with pytest.raises(sheets.SheetInvalid) as caught:
        imports.parcel_import(actor=users["city_land"], upload=upload, dry_run=False)
    assert [(error.row, error.column) for error in caught.value.errors] == [(202, "D")]
    assert "空字符" in caught.value.errors[0].message
    assert not Parcel.objects.filter(code__startswith="NUL-").exists()


def test_money_has_two_more_integer_digits_than_area(users, land):
    assert sheets.parse_area("999999999999.99", places=2, max_digits=14) == Decimal("999999999999.99")
    with pytest.raises(ValueError):
        sheets.parse_area("999999999999.99", places=3, max_digits=12)
