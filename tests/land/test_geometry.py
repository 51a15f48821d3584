"""The coordinate exchange file and GeoJSON readers, and the CGCS2000 Gauss–Krüger transforms, against points
computed independently (the meridian arc of the CGCS2000 ellipsoid) and against the file format's own rules."""

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest

from land import geometry
from land.geometry import GeometryInvalid, gk_to_lonlat, parse_exchange_file, parse_geojson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLE = (FIXTURES / "land_boundary_sample.txt").read_text(encoding="utf-8")


def meridian_arc(lat_degrees: float) -> float:
    """Distance along the central meridian from the equator on the CGCS2000 ellipsoid (a Helmert series)."""
    a, f = 6378137.0, 1 / 298.257222101
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alphas = (-3 * n / 2 + 9 * n**3 / 16, 15 * n**2 / 16 - 15 * n**4 / 32, -35 * n**3 / 48, 315 * n**4 / 512)
    phi = math.radians(lat_degrees)
    return big_a * (phi + sum(alpha * math.sin(2 * (k + 1) * phi) for k, alpha in enumerate(alphas)))


@pytest.mark.parametrize("lat", [35.3, 36.0, 36.9])
def test_points_on_the_central_meridian(lat):
    lon, back = gk_to_lonlat(37, meridian_arc(lat), 37_500_000.0)
    assert lon == pytest.approx(111.0, abs=1e-9) and back == pytest.approx(lat, abs=1e-8)
    lon38, _lat = gk_to_lonlat(38, meridian_arc(lat), 38_500_000.0)
    assert lon38 == pytest.approx(114.0, abs=1e-9)


def test_points_either_side_of_the_meridian_are_symmetric():
    west = gk_to_lonlat(37, 3_990_000.0, 37_500_000.0 - 40_000)
    east = gk_to_lonlat(37, 3_990_000.0, 37_500_000.0 + 40_000)
    assert 111 - west[0] == pytest.approx(east[0] - 111, abs=1e-9) and west[1] == pytest.approx(
        east[1], abs=1e-9
    )


def test_the_sample_file_reads_two_parcels_with_their_areas():
    shapes = parse_exchange_file(SAMPLE)
    assert [(s.code, s.name, s.area_mu) for s in shapes] == [
        ("GEO-1", "尧都区示范地块一", Decimal("15.000")),  # 100 m × 100 m
        ("GEO-2", "尧都区示范地块二", Decimal("30.000")),
    ]
    lon, lat = shapes[0].centroid
    assert lon == pytest.approx(111.5206, abs=1e-3) and lat == pytest.approx(36.0805, abs=1e-3)
    ring = shapes[0].geojson()["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    assert geometry.lonlat_area_mu(shapes[0].rings) == pytest.approx(Decimal("15.000"), abs=Decimal("0.01"))


def _edit(text, old, new):
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("带号=37", "带号=39"), "37、38 带"),
        (("几度分带=3", "几度分带=6"), "3 度分带"),
        (("坐标系=2000国家大地坐标系", "坐标系=1980西安坐标系"), "2000 国家大地坐标系"),
        (("J2,1,3994544.622,37546937.917", "J2,1,3994544.622,38546937.917"), "带号"),
        (("J1,1,3994544.622,37546837.917\n5,2", "J5,1,3994544.622,37546838.917\n5,2"), "未闭合"),
        (
            (
                "J3,1,3994644.622,37546937.917\nJ4,1,3994644.622,37546837.917",
                "J3,1,3994644.622,37546837.917\nJ4,1,3994644.622,37546937.917",
            ),
            "自相交",
        ),
        (
            (
                "3994544.622,37546837.917\nJ2,1,3994544.622,37546937.917\nJ3,1,3994644.622,37546937.917\n"
                "J4,1,3994644.622,37546837.917\nJ1,1,3994544.622,37546837.917",
                "4294544.622,37546837.917\nJ2,1,4294544.622,37546937.917\nJ3,1,4294644.622,37546937.917\n"
                "J4,1,4294644.622,37546837.917\nJ1,1,4294544.622,37546837.917",
            ),
            "不在临汾市范围内",
        ),
        (("J2,1,3994544.622,37546937.917", "J2,1,三,37546937.917"), "不是数字"),
    ],
    ids=[
        "zone",
        "six-degree",
        "datum",
        "y-prefix",
        "unclosed",
        "self-intersection",
        "outside",
        "not-a-number",
    ],
)
def test_exchange_file_errors_are_refused_with_a_chinese_reason(change, message):
    with pytest.raises(GeometryInvalid) as caught:
        parse_exchange_file(_edit(SAMPLE, *change))
    assert any(message in problem.message for problem in caught.value.problems), caught.value.problems


def _feature(code, ring, **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, **properties},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


SQUARE = [[111.5, 36.0], [111.501, 36.0], [111.501, 36.001], [111.5, 36.001], [111.5, 36.0]]


def test_geojson_reads_polygons_and_measures_them():
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
            "features": [_feature("G-1", SQUARE)],
        }
    )
    [shape] = parse_geojson(text)
    assert shape.code == "G-1" and shape.rings[0][0] == (111.5, 36.0)
    # Independently: the ellipsoid's radii at 36.0005° N give the small square's sides (≈ 90.2 m × 110.9 m).
    a, e2 = 6378137.0, 0.00669438002290
    phi = math.radians(36.0005)
    n_radius = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    m_radius = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
    expected_m2 = n_radius * math.cos(phi) * math.radians(0.001) * m_radius * math.radians(0.001)
    assert float(shape.area_mu) == pytest.approx(expected_m2 * 3 / 2000, rel=5e-4)


@pytest.mark.parametrize(
    ("collection", "message"),
    [
        (
            {
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                "features": [_feature("G", SQUARE)],
            },
            "EPSG:4490",
        ),
        ({"features": [_feature("", SQUARE)]}, "宗地编号"),
        ({"features": [_feature("G", SQUARE[:-1])]}, "未闭合"),
        (
            {
                "features": [
                    _feature(
                        "G",
                        [[111.5, 36.0], [111.501, 36.001], [111.501, 36.0], [111.5, 36.001], [111.5, 36.0]],
                    )
                ]
            },
            "自相交",
        ),
        ({"features": [_feature("G", [[p[0] + 5, p[1]] for p in SQUARE])]}, "不在临汾市范围内"),
    ],
    ids=["crs", "code", "unclosed", "self-intersection", "outside"],
)
def test_geojson_errors(collection, message):
    with pytest.raises(GeometryInvalid) as caught:
        parse_geojson(json.dumps({"type": "FeatureCollection", **collection}))
    assert any(message in problem.message for problem in caught.value.problems), caught.value.problems
