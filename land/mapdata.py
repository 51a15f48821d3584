"""What the parcel map shows: the parcels in view as GeoJSON, or clusters when too many are in view.

Only what lies in the requested bounding box is read (the ``lat, lon`` index serves it), never the whole ledger;
past ``MAP_FEATURE_CAP`` parcels the box is cut into a grid and each occupied cell comes back as one point with
its count, so the map stays fast with a million parcels. The ledger's filters (one filterset) apply first.
"""

import datetime

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Value
from django.db.models.functions import Cast, Floor
from django.urls import reverse

from .models import Parcel
from .selectors import parcel_flags

GRID = 40  # cells across the box when clustering


def feature_cap() -> int:
    return int(getattr(settings, "MAP_FEATURE_CAP", 2000))


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees, or None when absent or malformed."""
    try:
        west, south, east, north = (float(part) for part in (raw or "").split(","))
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def _properties(parcel: Parcel, as_of: datetime.date) -> dict:
    flags = parcel_flags(parcel, as_of)
    return {
        "id": parcel.pk,
        "code": parcel.code,
        "name": parcel.name,
        "region": parcel.region.name,
        "kind": parcel.get_kind_display(),
        "status": parcel.status,
        "status_label": parcel.get_status_display(),
        "area_mu": str(parcel.area_mu),
        "supervised": parcel.supervised,
        "idle_fee_due": flags.idle_fee_due,
        "reclaim_due": flags.reclaim_due,
        "url": reverse("land:parcel-detail", args=[parcel.pk]),
    }


def parcel_feature(parcel: Parcel, as_of: datetime.date) -> dict:
    geometry = parcel.boundary or {"type": "Point", "coordinates": [parcel.lon, parcel.lat]}
    return {"type": "Feature", "geometry": geometry, "properties": _properties(parcel, as_of)}


def in_view(parcels, bbox, as_of: datetime.date) -> dict:
    """The GeoJSON the map draws for ``bbox`` out of the (scoped, filtered) ``parcels``."""
    west, south, east, north = bbox
    located = parcels.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    cap = feature_cap()
    total = located.order_by().count()
    if total <= cap:
        rows = located.select_related("region").order_by("pk")
        return {
            "type": "FeatureCollection",
            "clustered": False,
            "total": total,
            "features": [parcel_feature(parcel, as_of) for parcel in rows],
        }
    cell_x, cell_y = (east - west) / GRID, (north - south) / GRID
    cells = (
        located.order_by()
        .annotate(
            cx=Floor((F("lon") - Value(west)) / Value(cell_x)),
            cy=Floor((F("lat") - Value(south)) / Value(cell_y)),
        )
        .values("cx", "cy")
        .annotate(
            count=Count("id"), lon_avg=Avg(Cast("lon", FloatField())), lat_avg=Avg(Cast("lat", FloatField()))
        )
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [cell["lon_avg"], cell["lat_avg"]]},
            "properties": {"cluster": True, "count": cell["count"]},
        }
        for cell in cells
    ]
    return {"type": "FeatureCollection", "clustered": True, "total": total, "features": features}
