"""Safe exports: text a spreadsheet would run (=, +, -, @, tab, CR at the start) is written as inert text in every
xlsx and csv the product writes — the ledger, the quarterly notice, the admin's exports. Control characters XML
cannot carry are dropped, so a name pasted from a word processor never breaks a file."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linfen_admin.exports import inert

PAYLOADS = [
    '=HYPERLINK("http://evil.example","点我")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inert_keeps_the_text_and_makes_it_plain(payload):
    assert inert(payload) == "'" + payload
    assert inert("尧都区 商住项目") == "尧都区 商住项目" and inert(12.5) == 12.5


def test_control_characters_xml_cannot_carry_are_dropped():
    assert inert("尧都\x0b区\x0c 1\x1f号") == "尧都区 1号"
    assert inert("\x01=1+2") == "'=1+2"  # dropped first, then made inert
    assert inert("第一行\n第二行\t止") == "第一行\n第二行\t止"  # what a cell may hold stays


def _cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [
        (cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row if cell.value is not None
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_ledger_export_writes_no_formula(client, users, make_parcel, payload):
    make_parcel("尧都区", name=payload, location=payload)
    client.force_login(users["yaodu_land"])
    cells = _cells(b"".join(client.get(reverse("land:parcel-export")).streaming_content))
    assert ("'" + payload, "s") in cells  # the text exactly, a carriage return included (openpyxl over lxml)
    assert all(data_type != "f" for _value, data_type in cells)


def test_a_name_with_a_vertical_tab_does_not_break_the_ledger_export(client, users, make_parcel):
    make_parcel("尧都区", name="城东\x0b地块", location="西关\x08街")  # forms and csv imports accept both
    client.force_login(users["yaodu_land"])
    response = client.get(reverse("land:parcel-export"))
    cells = _cells(b"".join(response.streaming_content))
    assert ("城东地块", "s") in cells and ("西关街", "s") in cells


@pytest.mark.parametrize("file_format", ["0", "1"])  # xlsx, csv
def test_a_name_with_a_vertical_tab_does_not_break_the_admin_export(client, users, make_parcel, file_format):
    make_parcel("尧都区", name="城东\x0b地块")
    client.force_login(users["city_land"])
    data = {"format": file_format, "resource": "0", "export_items": []}
    response = client.post(reverse("admin:land_parcel_export"), data)
    if response.status_code == 200 and "form" in (response.context or {}):
        form = response.context["form"]
        data.update({name: "on" for name in form.fields if name.startswith("parcelresource_")})
        response = client.post(reverse("admin:land_parcel_export"), data)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "0":
        assert ("城东地块", "s") in _cells(content)
    else:
        assert "城东地块" in content.decode("utf-8-sig")


def test_the_quarterly_notice_writes_no_formula(client, users, land):
    from linfen_admin.models import Region

    Region.objects.filter(name="古县").update(
        name="=1+2"
    )  # reference data renamed by mistake — or on purpose
    client.force_login(users["leader"])
    cells = _cells(client.get(reverse("land:notice-export") + "?year=2022&as_of=2022-07-01").content)
    assert ("'=1+2", "s") in cells and all(data_type != "f" for _value, data_type in cells)


@pytest.mark.parametrize("file_format", ["0", "1"])  # xlsx, csv
def test_the_admin_exports_write_no_formula(client, users, make_parcel, file_format):
    make_parcel("尧都区", name="=1+2", note="@SUM(A1)")
    client.force_login(users["city_land"])
    response = client.post(
        reverse("admin:land_parcel_export"), {"format": file_format, "export_items": [], "resource": "0"}
    )
    if response.status_code == 200 and "form" in (response.context or {}):
        form = response.context["form"]
        data = {"format": file_format, "resource": "0"}
        data.update({name: "on" for name in form.fields if name.startswith("parcelresource_")})
        response = client.post(reverse("admin:land_parcel_export"), data)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "0":
        cells = _cells(content)
        assert ("'=1+2", "s") in cells and ("'@SUM(A1)", "s") in cells
        assert all(data_type != "f" for _value, data_type in cells)
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        flat = [cell for row in rows for cell in row]
        assert "'=1+2" in flat and "'@SUM(A1)" in flat and "=1+2" not in flat
