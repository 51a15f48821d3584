"""The attachments of the procedures: bounded, type-checked (``linfen_admin.uploads``), stored under MEDIA_ROOT
under a random name (``land.models._private_path``); read back only through a scoped view."""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

from linfen_admin import uploads

ALLOWED = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attach(instance, upload) -> None:
    """Check ``upload`` and put it on ``instance.file`` (not yet saved), with its name, type and size."""
    try:
        extension, content = uploads.check_upload(upload, allowed=ALLOWED)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = PurePosixPath(str(upload.name or "")).name
    instance.original_name = name[:200]
    instance.content_type = ALLOWED[extension]
    instance.size = len(content)
    upload.seek(0)
    instance.file.save(name, upload, save=False)
