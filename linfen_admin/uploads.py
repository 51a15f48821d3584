"""Every uploaded file is checked here: size, extension, and content that really is what the name says."""

import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Office files are zip archives; the folder inside tells a workbook from a document.
ZIP_FOLDERS = {".xlsx": "xl/", ".docx": "word/"}
SIGNATURES = {
    ".pdf": b"%PDF-",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
}
ZIP = b"PK\x03\x04"
# Plain-text kinds: sheets as csv, the bureaus' coordinate files (.txt), GeoJSON.
TEXT_EXTENSIONS = (".csv", ".txt", ".json", ".geojson")


def content_matches(extension: str, content: bytes) -> bool:
    """Does ``content`` start (and, for office files, unpack) the way a file of ``extension`` must?"""
    if extension in SIGNATURES:
        return content.startswith(SIGNATURES[extension])
    if extension in ZIP_FOLDERS:
        if not content.startswith(ZIP):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return any(name.startswith(ZIP_FOLDERS[extension]) for name in archive.namelist())
        except zipfile.BadZipFile:
            return False
    if extension in TEXT_EXTENSIONS:
        sample = content[:4096]
        return b"\x00" not in sample and not sample.startswith(ZIP)
    return False


def check_upload(upload, *, allowed: Iterable[str]) -> tuple[str, bytes]:
    """Refuse an upload that is empty, too large, of another type or whose content belies its extension.

    Returns the lower-case extension (".xlsx") and the content; the file is rewound for whoever reads it next.
    """
    allowed = tuple(allowed)
    extension = PurePosixPath(str(getattr(upload, "name", "") or "")).suffix.lower()
    if extension not in allowed:
        kinds = "、".join(ext.lstrip(".").upper() for ext in allowed)
        raise ValidationError(_("只接受 %(kinds)s 文件。") % {"kinds": kinds}, code="extension")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大(上限 %(n)s MB)。") % {"n": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, code="size"
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if not content:
        raise ValidationError(_("文件为空。"), code="empty")
    if not content_matches(extension, content):
        raise ValidationError(
            _("文件内容不是 %(kind)s 文件(扩展名与内容不符)。") % {"kind": extension.lstrip(".").upper()},
            code="content",
        )
    return extension, content
