"""What every list page shares: ordering by a sortable header (``?ordering=key`` or ``-key``, only the keys the page
offers, the primary key last so pages never overlap) and the same filtered list as an xlsx file."""

import tempfile

from django.http import FileResponse

from .exports import inert_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ordered(queryset, request, fields: dict[str, str], default: str, param: str = "ordering"):
    """``fields`` maps each header key to the model path it sorts by; anything else falls back to ``default``."""
    key = request.GET.get(param, "")
    path = fields.get(key.removeprefix("-"))
    if path is None:
        return queryset.order_by(default, "pk") if default else queryset.order_by("pk")
    return queryset.order_by(
        f"-{path}" if key.startswith("-") else path, "-pk" if key.startswith("-") else "pk"
    )


def xlsx_response(filename: str, title: str, headers: list, rows) -> FileResponse:
    """Write ``rows`` (an iterable of lists) under ``headers`` in openpyxl's write-only mode (memory stays flat),
    every text cell made inert, and send the file as an attachment."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append(inert_row(row))
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)
