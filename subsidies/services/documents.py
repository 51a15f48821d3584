"""Documents: size and type checked (extension AND magic bytes), stored privately under MEDIA_ROOT."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linfen_admin import audit

from .. import workflow
from ..models import Application, Document, State

ALLOWED = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ZIP_MARKER = {".docx": "word/", ".xlsx": "xl/"}


def sniff_matches(extension: str, head: bytes, content: bytes | None = None) -> bool:
    """Does the file start the way a file of ``extension`` must?"""
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ZIP_MARKER:
        if not head.startswith(b"PK\x03\x04") or content is None:
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return any(name.startswith(ZIP_MARKER[extension]) for name in archive.namelist())
        except zipfile.BadZipFile:
            return False
    return False


def may_attach(user, application: Application) -> bool:
    """Whoever acts on the application now (the county while drafting) may attach documents."""
    actors = workflow.actors_for(user, application)
    if application.state in (State.DRAFT, State.RETURNED):
        return workflow.COUNTY in actors
    return bool(workflow.available(application.state, actors))


@transaction.atomic
def document_upload(*, actor, application: Application, uploaded_file, kind: str = Document.Kind.APPLICATION
                    ) -> Document:
    """Check and store one uploaded file for an application the actor may act on."""
    if not may_attach(actor, application):
        raise PermissionDenied(_("当前环节您不能上传材料"))
    name = PurePosixPath(str(uploaded_file.name or "")).name
    extension = PurePosixPath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError({"file": _("只接受 PDF、JPG、PNG、DOCX、XLSX 文件")})
    size = uploaded_file.size
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": _("文件过大:不超过 %(mb)s MB") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}})
    if size == 0:
        raise ValidationError({"file": _("文件为空")})
    uploaded_file.seek(0)
    content = uploaded_file.read()
    if not sniff_matches(extension, content[:16], content):
        raise ValidationError({"file": _("文件内容与扩展名 %(ext)s 不符") % {"ext": extension}})
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("材料类别无效")})
    uploaded_file.seek(0)
    document = Document(application=application, kind=kind, original_name=name[:200], size=size,
                        content_type=ALLOWED[extension], sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=actor)
    document.file.save(name, uploaded_file, save=False)
    document.save()
    audit.record_created(actor=actor, obj=document)
    return document
