"""Reading the bureau's spreadsheets (xlsx/csv): upload checks, header-row search, Chinese numbers and dates.

The sheets circulate as in 附件 2: a title row and a "单位:亩" row above the header row, names padded with
full-width spaces ("古　 县"), numbers typed with stray spaces ("684. 28") or thousands separators, blank
cells meaning 0 and a 总计 row at the bottom.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linfen_admin import uploads

ALLOWED_EXTENSIONS = (".xlsx", ".csv")
TOTAL_NAMES = {"总计", "合计", "全市合计", "全市"}
HEADER_SEARCH_ROWS = 30
MAX_LISTED_ERRORS = 200
FORMULA = gettext_lazy("请将公式转换为数值后再导入")
NUL = gettext_lazy("含有空字符(NUL),请删除后再导入")


@dataclass
class SheetError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class SheetInvalid(Exception):
    """The sheet has errors; nothing was written. ``errors`` lists every one of them."""

    def __init__(self, errors: list[SheetError]):
        self.total = len(errors)
        self.errors = errors[
            :MAX_LISTED_ERRORS
        ]  # a hostile sheet of a million bad rows answers with 200 of them
        super().__init__("; ".join(f"{e.row}:{e.column}:{e.message}" for e in errors[:5]))


@dataclass
class Table:
    """Data rows below the header row: ``rows`` is a list of (sheet row number, {column key: raw text})."""

    header_row: int
    columns: dict[str, str]  # key → header text as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def normalise_text(value) -> str:
    """Remove every kind of whitespace and unify full-width brackets and commas."""
    text = "".join(str(value or "").split())
    return text.replace("\uff08", "(").replace("\uff09", ")").replace("\uff0c", ",")


def check_upload(upload) -> str:
    """The platform's upload check for the bureau's formats; returns the format ("xlsx" or "csv")."""
    extension, _content = uploads.check_upload(upload, allowed=ALLOWED_EXTENSIONS)
    return extension.lstrip(".")


def cell_text(value) -> str:
    if type(value) is str:  # most cells: first
        return value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 20.238 → "20.238", never Decimal(float).
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def max_rows(kind: str) -> int:
    """The most data rows a sheet of ``kind`` ("quota", "parcel") may have (settings ``IMPORT_MAX_ROWS``)."""
    return int(settings.IMPORT_MAX_ROWS.get(kind, 10_000))


def _too_many(limit: int) -> ValidationError:
    return ValidationError(_("表格超过 %(n)s 行的上限,请分批导入。") % {"n": f"{limit:,}"}, code="rows")


def _check_unpacked_size(upload) -> None:
    """An xlsx is a zip: refuse one that would unpack to far more than an honest sheet (a "zip bomb") before any
    parsing, from the archive's own directory."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("无法读取 xlsx 文件。")) from exc
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if (
        unpacked > settings.IMPORT_MAX_UNPACKED_BYTES
        or unpacked / packed > settings.IMPORT_MAX_COMPRESSION_RATIO
    ):
        raise ValidationError(
            _("xlsx 文件解压后过大(%(mb)s MB,压缩比 %(r)s 倍),不是正常的表格,未读取。")
            % {"mb": unpacked // (1024 * 1024), "r": int(unpacked / packed)},
            code="unpacked",
        )
    upload.seek(0)


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(upload) -> bool:
    """Whether any worksheet of the xlsx holds a formula (an ``<f>`` element), read in chunks from the archive."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    if FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _read_xlsx_fast(upload, ceiling: int, limit: int) -> list[list[str]]:
    """The first sheet through python-calamine (a Rust reader, about ten times openpyxl's speed), from cell A1 so
    that row numbers and column letters are the sheet's own. Only for sheets without formulas (cached formula
    values are not trusted)."""
    from python_calamine import CalamineWorkbook

    upload.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=ceiling + 1)
    except Exception as exc:  # calamine raises its own kinds for a broken file
        raise ValidationError(_("无法读取 xlsx 文件:%(e)s") % {"e": exc}) from exc
    if len(values) > ceiling:
        raise _too_many(limit)
    return [[cell_text(value) for value in row] for row in values]


def read_rows(upload, fmt: str, *, limit: int) -> list[list[str]]:
    """The rows of the first sheet as text cells, at most ``limit`` data rows (plus the rows above the header).

    Streamed: xlsx through openpyxl's read-only mode, csv line by line; a sheet past the limit is refused as soon
    as the limit is passed. Formula cells are refused with their row and column — a formula with no cached value
    (any sheet written by a script) would otherwise read as blank, i.e. 0."""
    ceiling = limit + HEADER_SEARCH_ROWS
    upload.seek(0)
    rows: list[list[str]] = []
    if fmt == "xlsx":
        _check_unpacked_size(upload)
        if not _has_formulas(upload):
            return _read_xlsx_fast(upload, ceiling, limit)
        # A sheet with formulas is read cell by cell, so that each formula is named by its row and column.
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter

        upload.seek(0)
        try:
            workbook = load_workbook(upload, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("无法读取 xlsx 文件:%(e)s") % {"e": exc}) from exc
        formulas: list[SheetError] = []
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
                if number > ceiling:
                    raise _too_many(limit)
                values = []
                for index, cell in enumerate(row, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(SheetError(number, get_column_letter(index), str(FORMULA)))
                        values.append("")
                    else:
                        values.append(cell_text(cell.value))
                rows.append(values)
        finally:
            workbook.close()
        if formulas:
            raise SheetInvalid(formulas)
        return rows
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("无法识别 csv 文件的字符编码(请使用 UTF-8 或 GBK)。"))
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > ceiling:
            raise _too_many(limit)
        rows.append(row)
    if "\x00" in text:  # a text file may carry it (an xlsx cannot); the database would refuse it at the write
        _refuse_nul(rows)
    return rows


def _refuse_nul(rows: list[list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    raise SheetInvalid(
        [
            SheetError(number, get_column_letter(index), str(NUL))
            for number, row in enumerate(rows, start=1)
            for index, cell in enumerate(row, start=1)
            if "\x00" in cell
        ]
    )


def locate_table(rows: list[list[str]], spec: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Table:
    """Find the header row (by its Chinese headers, within the first rows) and map columns to ``spec`` keys.

    ``spec`` maps a column key to accepted header texts (compared after ``normalise_text``; a header that
    starts with an accepted text also matches, e.g. "面积(亩)" for "面积").
    """
    wanted = {key: tuple(normalise_text(a) for a in aliases) for key, aliases in spec.items()}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [normalise_text(c) for c in row]
        found: dict[str, int] = {}
        for key, aliases in wanted.items():
            for position, cell in enumerate(cells):
                if (
                    cell
                    and any(cell == a or cell.startswith(a) for a in aliases)
                    and position not in found.values()
                ):
                    found[key] = position
                    break
        if all(key in found for key in required):
            table = Table(header_row=index + 1, columns={key: row[pos].strip() for key, pos in found.items()})
            for number, data in enumerate(rows[index + 1 :], start=index + 2):
                if not any(str(c).strip() for c in data):
                    continue
                table.rows.append(
                    (number, {key: (data[pos] if pos < len(data) else "") for key, pos in found.items()})
                )
            return table
    headers = "、".join(spec[key][0] for key in required)
    raise SheetInvalid(
        [
            SheetError(
                None,
                None,
                _("未找到表头行:表格前 %(n)s 行中没有同时包含“%(h)s”的行。")
                % {"n": HEADER_SEARCH_ROWS, "h": headers},
            )
        ]
    )


_NUMBER_JUNK = re.compile("[,\uff0c'\u2019]")


def parse_area(raw, *, places: int = 3, max_digits: int = 12, blank_is_zero: bool = True) -> Decimal | None:
    """'684. 28' → 684.28; '1,289.35' → 1289.35; '' → 0 (or None). Raises ValueError with a Chinese reason.

    Refused: scientific notation (1E+15), NaN and infinities, more decimals than ``places`` and more digits than the
    column holds (``max_digits``: 12 for 亩 with 3 places, 14 for 万元 with 2)."""
    text = _NUMBER_JUNK.sub("", "".join(str(raw or "").split()))
    if text == "":
        return Decimal("0") if blank_is_zero else None
    if "e" in text.lower() and not text.lower().startswith(("nan", "inf")):
        raise ValueError(_("“%(v)s”是科学计数法,请填写完整数字") % {"v": str(raw).strip()})
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("“%(v)s”不是有效的数字") % {"v": str(raw).strip()}) from exc
    if not value.is_finite():
        raise ValueError(_("“%(v)s”不是有效的数字") % {"v": str(raw).strip()})
    if value < 0:
        raise ValueError(_("不能为负数(%(v)s)") % {"v": text})
    if value.as_tuple().exponent < -places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(_("最多保留 %(n)s 位小数(%(v)s)") % {"n": places, "v": text})
    if value >= Decimal(10) ** (max_digits - places):
        raise ValueError(
            _("数值 %(v)s 超出范围(整数部分最多 %(n)s 位)") % {"v": text, "n": max_digits - places}
        )
    return value.quantize(Decimal(1).scaleb(-places))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(raw) -> datetime.date | None:
    if not raw:
        return None
    text = "".join(str(raw).split())
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError as exc:
                raise ValueError(_("“%(v)s”不是有效的日期") % {"v": text}) from exc
    raise ValueError(_("“%(v)s”不是有效的日期(请写作 2022-05-31)") % {"v": text})


_CHOICE_LOOKUPS: dict[tuple, dict[str, str]] = {}


def choice_lookup(choices) -> dict[str, str]:
    """{code or normalised label: code} of ``choices``, built once per set of choices and language (a sheet of
    100,000 rows would otherwise translate every label of every choice column on every row)."""
    key = (tuple(value for value, _label in choices), translation.get_language())
    lookup = _CHOICE_LOOKUPS.get(key)
    if lookup is None:
        lookup = {}
        for value, label in reversed(list(choices)):  # the first choice wins where a label repeats
            lookup[normalise_text(label)] = value
        lookup.update({value: value for value, _label in choices})
        _CHOICE_LOOKUPS[key] = lookup
    return lookup


def parse_choice(raw, choices, *, lookup: dict[str, str] | None = None) -> str:
    """Accept the Chinese label or the code of a ``TextChoices``; blank → ''. ``lookup``: ``choice_lookup(choices)``,
    taken once for many rows."""
    if not raw:
        return ""
    text = normalise_text(raw)
    if not text:
        return ""
    value = (lookup if lookup is not None else choice_lookup(choices)).get(text)
    if value is not None:
        return value
    labels = "、".join(str(label) for _value, label in choices)
    raise ValueError(_("“%(v)s”不是可选值(可选:%(c)s)") % {"v": str(raw).strip(), "c": labels})


def parse_bool(raw) -> bool:
    text = normalise_text(raw).lower()
    if text in ("", "否", "0", "false", "no", "n"):
        return False
    if text in ("是", "1", "true", "yes", "y", "√"):
        return True
    raise ValueError(_("“%(v)s”应为“是”或“否”") % {"v": str(raw).strip()})
