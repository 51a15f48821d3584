"""The file of a clean dry run, kept so that "确认导入" imports the same file without uploading it again.

A staged file lives under ``STAGING_ROOT/land-import-staging/`` (outside MEDIA_ROOT, so never in a backup) as
``<token>.bin`` beside ``<token>.json`` (who uploaded it, the sheet kind, the campaign year, the original name,
when). The token is random (``secrets``); it answers only to the user who uploaded it (anyone else: ``StagedNotFound``, a 404), once (the file is claimed by an
atomic rename before it is read, and deleted after), and for ``TTL`` seconds. Uploads are already bounded by
``UPLOAD_MAX_BYTES``; a staged file larger than that is refused too, and each user has at most one staged file
(a new dry run replaces the previous one), so the folder holds at most one upload per user for ``TTL`` seconds.
Expired files are swept at each staging.
The import itself goes through the same services as an upload (same checks, same audit)."""

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from . import boundaries, imports, selectors

TTL = 30 * 60  # seconds
FOLDER = "land-import-staging"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
KINDS = ("quota", "parcel", "boundary")


class StagedNotFound(Exception):
    """No such staged file for this user (unknown, another user's, used or expired): the page answers 404."""


@dataclass(frozen=True)
class Staged:
    token: str
    kind: str
    campaign_year: int | None
    name: str
    size: int


def _folder() -> Path:
    return Path(settings.STAGING_ROOT) / FOLDER


def _now() -> float:
    return time.time()


def _paths(token: str) -> tuple[Path, Path]:
    folder = _folder()
    return folder / f"{token}.bin", folder / f"{token}.json"


def sweep() -> int:
    """Delete staged files past their time (and any orphan). Returns how many were deleted."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    deleted, limit = 0, _now() - TTL
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def _drop_earlier(folder: Path, actor) -> None:
    """A user confirms their latest dry run: an earlier staged file of theirs goes."""
    for meta_path in folder.glob("*.json"):
        try:
            owner = json.loads(meta_path.read_text(encoding="utf-8")).get("user")
        except (FileNotFoundError, ValueError):
            continue
        if owner == actor.pk:
            meta_path.with_suffix(".bin").unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)


def stage(*, actor, kind: str, campaign_year: int | None, upload, rows: int = 0) -> Staged:
    """Keep ``upload`` (already checked by a clean dry run of ``rows`` rows) for ``actor`` to confirm."""
    if kind not in KINDS:
        raise ValueError(kind)
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("文件过大(上限 %(n)s MB)。") % {"n": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    sweep()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _drop_earlier(folder, actor)
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(token)
    name = os.path.basename(str(getattr(upload, "name", "") or "upload"))[:200]
    meta = {
        "user": actor.pk,
        "kind": kind,
        "campaign": campaign_year,
        "name": name,
        "at": _now(),
        "rows": rows,
    }
    # Owner-only files, created exclusively (a token is never reused).
    with open(os.open(data_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(content)
    with open(
        os.open(meta_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8"
    ) as handle:
        json.dump(meta, handle)
    return Staged(token=token, kind=kind, campaign_year=campaign_year, name=name, size=len(content))


def _meta(*, actor, token: str) -> dict:
    if not TOKEN.match(token or ""):
        raise StagedNotFound
    try:
        meta = json.loads(_paths(token)[1].read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as exc:
        raise StagedNotFound from exc
    if meta.get("user") != actor.pk:
        raise StagedNotFound
    return meta


def staged_rows(*, actor, token: str) -> int:
    """How many rows the dry run of ``actor``'s staged file counted (without claiming it): a long import is
    confirmed as a background job."""
    return int(_meta(actor=actor, token=token).get("rows") or 0)


def _claim(*, actor, token: str) -> tuple[dict, bytes]:
    """Take the staged file for ``actor``: afterwards nobody can use the token again."""
    meta = _meta(actor=actor, token=token)  # another user's token is not found; the owner may still use it
    data_path, meta_path = _paths(token)
    claimed = data_path.with_suffix(".claimed")
    try:
        os.rename(data_path, claimed)  # atomic: of two concurrent confirmations only one gets the file
    except FileNotFoundError as exc:
        raise StagedNotFound from exc
    try:
        meta_path.unlink(missing_ok=True)
        expired = _now() - float(meta.get("at", 0)) > TTL
        content = b"" if expired else claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
    if expired:
        raise ValidationError(_("校验结果已过期(超过 %(m)s 分钟),请重新上传文件。") % {"m": TTL // 60})
    return meta, content


def confirm_import(*, actor, token: str, report=None):
    """Import the file staged under ``token`` for real, through the same import services as an upload.

    Returns (kind, result). Raises ``StagedNotFound`` (404), ``ValidationError`` (expired, or the file no longer
    passes), ``SheetInvalid`` or ``GeometryInvalid`` (the data changed since the dry run)."""
    meta, content = _claim(actor=actor, token=token)
    upload = SimpleUploadedFile(meta["name"], content)
    kind = meta["kind"]
    if kind == "boundary":
        return kind, boundaries.boundary_import(actor=actor, upload=upload, dry_run=False)
    if kind == "quota":
        campaign = next(
            (c for c in selectors.campaigns_with_milestones() if c.year == meta.get("campaign")), None
        )
        if campaign is None:
            raise ValidationError(_("没有该年度的专项行动。"))
        return kind, imports.quota_import(actor=actor, campaign=campaign, upload=upload, dry_run=False)
    return kind, imports.parcel_import(actor=actor, upload=upload, dry_run=False, report=report)
