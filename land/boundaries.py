"""Importing parcel boundaries: a coordinate exchange file (.txt) or GeoJSON, matched to the ledger by parcel code.

All or nothing, like the sheet imports: every problem (wrong zone, unclosed ring, self-intersection, a point outside
Linfen, an unknown or ambiguous parcel code) is listed with its line, and nothing is written unless the whole file
is clean. A boundary whose area differs from the parcel's recorded area by more than 5 % is imported with a warning.
Each parcel gets its boundary and, as its point, the boundary's centroid; its version moves on; one audit row each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linfen_admin import audit, uploads
from linfen_admin.scoping import editable_by
from linfen_admin.writes import require_perm

from .geometry import GeometryInvalid, GeometryProblem, parse_exchange_file, parse_geojson
from .models import Parcel

ALLOWED = (".txt", ".geojson", ".json")
AREA_TOLERANCE = Decimal("0.05")


@dataclass
class BoundaryResult:
    parcels: int
    updated: int
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"parcels": self.parcels, "updated": self.updated, "warnings": self.warnings}


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # the bureaus' software often writes GBK
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GeometryInvalid([GeometryProblem(None, "", _("文件编码无法识别(应为 UTF-8 或 GBK)"))])


def boundary_import(*, actor, upload, dry_run: bool) -> BoundaryResult:
    """Read, check and (unless ``dry_run``) store the boundaries of ``upload`` on the actor's parcels."""
    require_perm(actor, Parcel, "change", _("无权导入界址坐标。"))
    extension, content = uploads.check_upload(upload, allowed=ALLOWED)
    text = _text(content)
    shapes = parse_geojson(text) if extension in (".geojson", ".json") else parse_exchange_file(text)
    codes = {shape.code for shape in shapes}
    candidates: dict[str, list[Parcel]] = {}
    for parcel in editable_by(actor, Parcel.objects.filter(code__in=codes)).select_related("region"):
        candidates.setdefault(parcel.code, []).append(parcel)
    problems, matched, warnings = [], [], []
    for shape in shapes:
        found = candidates.get(shape.code, [])
        if not found:
            problems.append(
                GeometryProblem(
                    shape.line,
                    shape.code,
                    _("台账中没有宗地编号为 %(c)s 的宗地(或不在您的区域)") % {"c": shape.code},
                )
            )
            continue
        if len(found) > 1:
            problems.append(
                GeometryProblem(
                    shape.line,
                    shape.code,
                    _("宗地编号 %(c)s 在多个县(市、区)都有:%(r)s")
                    % {"c": shape.code, "r": "、".join(p.region.name for p in found)},
                )
            )
            continue
        parcel = found[0]
        if shape.area_mu is not None and parcel.area_mu:
            gap = abs(shape.area_mu - parcel.area_mu) / parcel.area_mu
            if gap > AREA_TOLERANCE:
                warnings.append(
                    {
                        "code": shape.code,
                        "message": _("宗地 %(c)s 界址面积 %(g)s 亩与台账面积 %(a)s 亩相差 %(p)s%%,请核对")
                        % {
                            "c": shape.code,
                            "g": shape.area_mu,
                            "a": parcel.area_mu,
                            "p": (gap * 100).quantize(Decimal("0.1")),
                        },
                    }
                )
        matched.append((parcel, shape))
    if problems:
        raise GeometryInvalid(problems)
    result = BoundaryResult(parcels=len(matched), updated=len(matched), warnings=warnings)
    if not dry_run:
        _write(actor=actor, matched=matched)
    return result


@transaction.atomic
def _write(*, actor, matched) -> None:
    locked = {p.pk: p for p in Parcel.objects.select_for_update().filter(pk__in=[p.pk for p, _s in matched])}
    now, changes = timezone.now(), []
    for parcel, shape in matched:
        current = locked[parcel.pk]
        before = audit.snapshot(current)
        current.boundary = shape.geojson()
        current.lon, current.lat = (round(value, 7) for value in shape.centroid)
        current.version += 1
        current.updated_at = now
        changes.append((current, before, audit.snapshot(current)))
    Parcel.objects.bulk_update([c[0] for c in changes], ["boundary", "lon", "lat", "version", "updated_at"])
    audit.record_many(actor=actor, action=audit.Action.IMPORT, changes=changes, comment=_("导入界址坐标"))
