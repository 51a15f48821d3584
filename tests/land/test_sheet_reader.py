"""The xlsx reader (issue 11): sheets without formulas are read by python-calamine, and give exactly the rows the
cell-by-cell openpyxl reading gives — row numbers and column letters included, whatever cell the data starts in;
a sheet with a formula anywhere is read cell by cell so that the formula is named."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from land import sheets


def _xlsx(fill) -> SimpleUploadedFile:
    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("s.xlsx", buffer.getvalue())


def _cell_by_cell(upload) -> list[list[str]]:
    upload.seek(0)
    sheet = load_workbook(upload, read_only=True).worksheets[0]
    return [[sheets.cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]


def _odd_sheet(sheet):
    sheet["C3"] = "县(市、区)"
    sheet["D3"] = "面积"
    sheet["E3"] = "批准时间"
    sheet["F3"] = "挂牌督办"
    sheet["C4"] = "尧都区"
    sheet["D4"] = 20.238
    sheet["E4"] = datetime.date(2015, 6, 1)
    sheet["F4"] = True
    sheet["C6"] = "洪洞县"
    sheet["D6"] = 3
    sheet["E6"] = datetime.datetime(2016, 1, 2, 8, 30)
    sheet["G7"] = "0141"  # text keeps its leading zero


def test_calamine_reads_what_openpyxl_reads_from_the_same_cells():
    upload = _xlsx(_odd_sheet)
    fast = sheets.read_rows(upload, "xlsx", limit=100)
    slow = _cell_by_cell(upload)
    width = max(len(row) for row in slow)
    assert [row + [""] * (width - len(row)) for row in fast] == [
        row + [""] * (width - len(row)) for row in slow
    ]
    assert fast[2][2:6] == ["县(市、区)", "面积", "批准时间", "挂牌督办"]  # row 3, from column C
    assert fast[3][2:6] == ["尧都区", "20.238", "2015-06-01", "是"]
    assert fast[5][2:5] == ["洪洞县", "3", "2016-01-02T08:30:00"]
    assert fast[6][6] == "0141"


@pytest.mark.parametrize("where", ["B2", "Z500"])
def test_a_formula_anywhere_is_named_by_its_cell(where):
    def fill(sheet):
        _odd_sheet(sheet)
        sheet[where] = "=1+1"

    upload = _xlsx(fill)
    assert sheets._has_formulas(upload)
    with pytest.raises(sheets.SheetInvalid) as refused:
        sheets.read_rows(upload, "xlsx", limit=1000)
    row, column = int(where[1:]), where[0]
    assert [(e.row, e.column) for e in refused.value.errors] == [(row, column)]


def test_the_row_limit_holds_on_the_fast_path():
    def fill(sheet):
        for n in range(
            10 + sheets.HEADER_SEARCH_ROWS + 1
        ):  # one row past the rows above a header and the limit
            sheet.append(["尧都区", n])

    with pytest.raises(ValidationError, match="上限"):
        sheets.read_rows(_xlsx(fill), "xlsx", limit=10)
