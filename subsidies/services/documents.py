"""Documents: size and type checked (extension AND magic bytes), stored privately under MEDIA_ROOT."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linfen_admin import audit, uploads

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


def may_attach(user, application: Application) -> bool:
    """Whoever acts on the application now (the county while drafting) may attach documents."""
    actors = workflow.actors_for(user, application)
    if application.state in (State.DRAFT, State.RETURNED):
        return workflow.COUNTY in actors
    return bool(workflow.available(application.state, actors))


@transaction.atomic
def document_upload(
    *, actor, application: Application, uploaded_file, kind: str = Document.Kind.APPLICATION
) -> Document:
    """Check and store one uploaded file for an application the actor may act on."""
    if not may_attach(actor, application):
        raise PermissionDenied(_("当前环节您不能上传材料"))
    name = PurePosixPath(str(uploaded_file.name or "")).name
    try:
        extension, content = uploads.check_upload(uploaded_file, allowed=ALLOWED)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    size = len(content)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("材料类别无效")})
    uploaded_file.seek(0)
    document = Document(
        application=application,
        kind=kind,
        original_name=name[:200],
        size=size,
        content_type=ALLOWED[extension],
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(name, uploaded_file, save=False)
    document.save()
    audit.record_created(actor=actor, obj=document)
    return document
