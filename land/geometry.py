"""Parcel geometry: the bureaus' coordinate files and GeoJSON, read into longitude/latitude (CGCS2000).

Pure functions of the text they are given (no database). Two inputs:

- the coordinate exchange text file of 建设用地报批 / 勘测定界: an ``[属性描述]`` section (坐标系, 几度分带, 投影类型,
  计量单位, 带号 …) and a ``[地块坐标]`` section in which each parcel starts with a header line — point count, area,
  parcel number, name, 面 (polygon) …, ending in ``@`` — followed by ``J1,1,X,Y`` rows: point name, ring number,
  X = northing and Y = easting *with the zone prefix* (37 500 000 at zone 37's central meridian, 111° E), in metres
  of the 3-degree Gauss–Krüger projection of CGCS2000. Each ring repeats its first point at its end (closed);
- GeoJSON (a FeatureCollection, longitude/latitude in EPSG:4490 or EPSG:4326) with the parcel number in the
  feature's ``code`` / ``宗地编号`` property.

Linfen lies in 3-degree zones 37 and 38, between about 110.2–112.6° E and 35.3–36.9° N; a point outside is refused.
Areas are computed in the projection plane (the shoelace formula on the Gauss–Krüger metres, as the bureaus do) and
given in 亩 (1 亩 = 2000/3 m²).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

LINFEN_BOUNDS = (110.2, 35.3, 112.6, 36.9)  # west, south, east, north (degrees)
ZONE_CRS = {
    37: "EPSG:4525",
    38: "EPSG:4526",
}  # CGCS2000 / 3-degree Gauss-Kruger zone 37, 38 (false easting +zone)
LONLAT_CRS = {"EPSG:4490", "EPSG:4326"}
SQUARE_METRES_PER_MU = Decimal(2000) / Decimal(3)
AREA_Q = Decimal("0.001")


@dataclass
class GeometryProblem:
    line: int | None
    code: str
    message: str

    @property
    def row(self) -> int | None:
        return self.line

    @property
    def column(self) -> str | None:
        return self.code or None

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class GeometryInvalid(Exception):
    def __init__(self, problems: list[GeometryProblem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass
class Shape:
    """One parcel's boundary: rings of (lon, lat), the first ring the outline, the others holes or parts."""

    code: str
    name: str
    line: int
    rings: list[list[tuple[float, float]]] = field(default_factory=list)
    area_mu: Decimal | None = None  # measured in the Gauss–Krüger plane

    @property
    def centroid(self) -> tuple[float, float]:
        """The area centroid of the outline (in degrees; close enough at a parcel's size)."""
        ring = self.rings[0]
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if abs(area) < 1e-18:
            xs, ys = zip(*ring, strict=True)
            return (sum(xs) / len(xs), sum(ys) / len(ys))
        return (cx / (3 * area), cy / (3 * area))

    def geojson(self) -> dict:
        return {
            "type": "Polygon",
            "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring] for ring in self.rings],
        }


@lru_cache(maxsize=4)
def _transformer(zone: int):
    from pyproj import Transformer

    return Transformer.from_crs(ZONE_CRS[zone], "EPSG:4490", always_xy=True)


def gk_to_lonlat(zone: int, northing: float, easting: float) -> tuple[float, float]:
    """A 3-degree Gauss–Krüger CGCS2000 point (easting with its zone prefix) → (longitude, latitude)."""
    return _transformer(zone).transform(easting, northing)


@lru_cache(maxsize=4)
def _projector(zone: int):
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4490", ZONE_CRS[zone], always_xy=True)


def zone_of(lon: float) -> int:
    """The 3-degree zone of a longitude (zone 37: 109.5–112.5° E)."""
    return int(round(lon / 3))


def lonlat_area_mu(rings: list[list[tuple[float, float]]]) -> Decimal:
    """The area of a lon/lat polygon in 亩, measured in its Gauss–Krüger zone like the bureaus' own figures."""
    zone = zone_of(rings[0][0][0])
    project = _projector(zone)
    planar = [[project.transform(lon, lat) for lon, lat in ring] for ring in rings]
    return area_mu(planar_area_m2(planar[0]) - sum(planar_area_m2(ring) for ring in planar[1:]))


def outside_linfen(lon: float, lat: float) -> str | None:
    west, south, east, north = LINFEN_BOUNDS
    if west <= lon <= east and south <= lat <= north:
        return None
    return _("坐标(经度 %(lon).6f,纬度 %(lat).6f)不在临汾市范围内(东经 110.2–112.6°,北纬 35.3–36.9°)") % {
        "lon": lon,
        "lat": lat,
    }


def planar_area_m2(points: list[tuple[float, float]]) -> float:
    """Shoelace area of a closed ring in plane coordinates (metres)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False))) / 2


def area_mu(square_metres: float) -> Decimal:
    return (Decimal(repr(square_metres)) / SQUARE_METRES_PER_MU).quantize(AREA_Q, rounding=ROUND_HALF_UP)


def _segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 0) - (value < 0)

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    return o1 * o2 < 0 and o3 * o4 < 0


def self_intersects(ring: list[tuple[float, float]]) -> bool:
    """Whether two non-adjacent edges of a closed ring cross."""
    edges = list(zip(ring, ring[1:], strict=False))
    count = len(edges)
    for i in range(count):
        for j in range(i + 2, count):
            if i == 0 and j == count - 1:
                continue  # the first and last edges share the closing point
            if _segments_cross(*edges[i], *edges[j]):
                return True
    return False


def _check_ring(ring, *, line, code, problems) -> bool:
    if len(ring) < 4:
        problems.append(GeometryProblem(line, code, _("地块 %(c)s 的界址点少于 3 个") % {"c": code}))
        return False
    if ring[0] != ring[-1]:
        problems.append(GeometryProblem(line, code, _("地块 %(c)s 的界址线未闭合(首末点不同)") % {"c": code}))
        return False
    if self_intersects(ring):
        problems.append(GeometryProblem(line, code, _("地块 %(c)s 的界址线自相交") % {"c": code}))
        return False
    return True


# --- the coordinate exchange file ------------------------------------------------------------------------------


def _header_value(attributes: dict, *names: str) -> str:
    for name in names:
        if name in attributes:
            return attributes[name]
    return ""


def parse_exchange_file(text: str) -> list[Shape]:
    """Every parcel of a coordinate exchange file, or ``GeometryInvalid`` listing every problem found."""
    problems: list[GeometryProblem] = []
    attributes: dict[str, str] = {}
    section = None
    shapes: list[Shape] = []
    current: Shape | None = None
    raw_rings: dict[int, list[tuple[float, float]]] = {}
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def finish():
        if current is None:
            return
        if not raw_rings:
            problems.append(
                GeometryProblem(current.line, current.code, _("地块 %(c)s 没有界址点") % {"c": current.code})
            )
            return
        zone_ok = True
        plane_rings = []
        for number in sorted(raw_rings):
            ring = raw_rings[number]
            if _check_ring(ring, line=current.line, code=current.code, problems=problems):
                plane_rings.append(ring)
            else:
                zone_ok = False
        if not zone_ok:
            return
        outline = planar_area_m2(plane_rings[0])
        holes = sum(planar_area_m2(ring) for ring in plane_rings[1:])
        current.area_mu = area_mu(outline - holes)
        for ring in plane_rings:
            converted = [gk_to_lonlat(zone, north, east) for north, east in ((p[0], p[1]) for p in ring)]
            bad = next((outside_linfen(lon, lat) for lon, lat in converted if outside_linfen(lon, lat)), None)
            if bad:
                problems.append(GeometryProblem(current.line, current.code, bad))
                return
            current.rings.append(converted)
        shapes.append(current)

    zone = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            if section == "[地块坐标]":
                finish()
                current = None
            section = line.replace(" ", "")
            if section == "[地块坐标]":
                zone = _check_attributes(attributes, problems)
            continue
        if section == "[属性描述]":
            key, _sep, value = line.partition("=")
            attributes[key.strip()] = value.strip()
            continue
        if section != "[地块坐标]" or zone is None:
            continue
        fields = [f.strip() for f in line.split(",")]
        if line.endswith("@"):
            finish()
            raw_rings = {}
            if len(fields) < 5:
                problems.append(GeometryProblem(number, "", _("第 %(n)s 行地块信息不完整") % {"n": number}))
                current = None
                continue
            current = Shape(code=fields[2], name=fields[3], line=number)
            if fields[4] not in ("面", "polygon"):
                problems.append(
                    GeometryProblem(number, fields[2], _("地块 %(c)s 不是面状图形") % {"c": fields[2]})
                )
                current = None
            continue
        if current is None:
            continue
        if len(fields) < 4:
            problems.append(
                GeometryProblem(
                    number, current.code, _("第 %(n)s 行界址点应为“点号,圈号,X,Y”") % {"n": number}
                )
            )
            current = None
            continue
        try:
            ring_number, north, east = int(fields[1]), float(fields[2]), float(fields[3])
        except ValueError:
            problems.append(
                GeometryProblem(number, current.code, _("第 %(n)s 行坐标不是数字") % {"n": number})
            )
            current = None
            continue
        if int(east // 1_000_000) != zone:
            problems.append(
                GeometryProblem(
                    number,
                    current.code,
                    _("第 %(n)s 行 Y 坐标 %(y)s 的带号与文件的带号 %(z)s 不符")
                    % {"n": number, "y": fields[3], "z": zone},
                )
            )
            current = None
            continue
        raw_rings.setdefault(ring_number, []).append((north, east))
    if section == "[地块坐标]":
        finish()
    if not shapes and not problems:
        problems.append(GeometryProblem(None, "", _("文件中没有 [地块坐标] 段或地块")))
    if problems:
        raise GeometryInvalid(problems)
    return shapes


def _check_attributes(attributes: dict, problems: list[GeometryProblem]) -> int | None:
    system = _header_value(attributes, "坐标系")
    if system and "2000" not in system:
        problems.append(
            GeometryProblem(None, "", _("坐标系应为 2000 国家大地坐标系,文件为“%(s)s”") % {"s": system})
        )
        return None
    if _header_value(attributes, "几度分带") not in ("3", "3度", ""):
        problems.append(
            GeometryProblem(None, "", _("应为 3 度分带,文件为“%(s)s”") % {"s": attributes["几度分带"]})
        )
        return None
    projection = _header_value(attributes, "投影类型")
    if projection and "高斯" not in projection:
        problems.append(
            GeometryProblem(None, "", _("投影类型应为高斯克吕格,文件为“%(s)s”") % {"s": projection})
        )
        return None
    unit = _header_value(attributes, "计量单位")
    if unit and unit not in ("米", "m"):
        problems.append(GeometryProblem(None, "", _("计量单位应为米,文件为“%(s)s”") % {"s": unit}))
        return None
    try:
        zone = int(_header_value(attributes, "带号"))
    except ValueError:
        problems.append(GeometryProblem(None, "", _("[属性描述] 缺少带号")))
        return None
    if zone not in ZONE_CRS:
        problems.append(GeometryProblem(None, "", _("带号 %(z)s 不在临汾市所在的 37、38 带") % {"z": zone}))
        return None
    return zone


# --- GeoJSON --------------------------------------------------------------------------------------------------


def parse_geojson(text: str) -> list[Shape]:
    """Every feature of a GeoJSON FeatureCollection (EPSG:4490/4326), or ``GeometryInvalid``."""
    problems: list[GeometryProblem] = []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise GeometryInvalid(
            [GeometryProblem(None, "", _("不是有效的 GeoJSON:%(e)s") % {"e": exc})]
        ) from exc
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "EPSG:4326")
    crs = "EPSG:" + crs.rsplit(":", 1)[-1] if ":" in crs else crs
    if crs not in LONLAT_CRS:
        raise GeometryInvalid(
            [GeometryProblem(None, "", _("坐标系应为 EPSG:4490 或 EPSG:4326,文件为 %(c)s") % {"c": crs})]
        )
    shapes = []
    for index, feature in enumerate(data.get("features") or [], start=1):
        properties = feature.get("properties") or {}
        code = str(properties.get("code") or properties.get("宗地编号") or "").strip()
        geometry = feature.get("geometry") or {}
        if not code:
            problems.append(GeometryProblem(index, "", _("第 %(n)s 个要素没有宗地编号(code)") % {"n": index}))
            continue
        kind = geometry.get("type")
        if kind == "Polygon":
            rings = geometry.get("coordinates") or []
        elif kind == "MultiPolygon" and len(geometry.get("coordinates") or []) == 1:
            rings = geometry["coordinates"][0]
        else:
            problems.append(GeometryProblem(index, code, _("地块 %(c)s 的图形应为面(Polygon)") % {"c": code}))
            continue
        shape = Shape(code=code, name=str(properties.get("name") or ""), line=index)
        for ring in rings:
            points = [(float(p[0]), float(p[1])) for p in ring]
            if not _check_ring(points, line=index, code=code, problems=problems):
                break
            bad = next((outside_linfen(lon, lat) for lon, lat in points if outside_linfen(lon, lat)), None)
            if bad:
                problems.append(GeometryProblem(index, code, bad))
                break
            shape.rings.append(points)
        else:
            if shape.rings:
                if zone_of(shape.rings[0][0][0]) not in ZONE_CRS:
                    problems.append(
                        GeometryProblem(index, code, _("地块 %(c)s 不在 37、38 带") % {"c": code})
                    )
                    continue
                shape.area_mu = lonlat_area_mu(shape.rings)
                shapes.append(shape)
    if not shapes and not problems:
        problems.append(GeometryProblem(None, "", _("文件中没有地块")))
    if problems:
        raise GeometryInvalid(problems)
    return shapes
