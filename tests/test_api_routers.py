"""The API is one router per area: every documented operation of the API is a route of
exactly one of them, and ``create_app`` only assembles (no handler is a closure over the
application)."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.routing import APIRoute

from saylau.api import (
    assemblies,
    candidates,
    decisions,
    definitions,
    downloads,
    health,
    intake,
    ledger,
    parties,
    petitions,
    results,
)
from saylau.api.app import create_app

AREAS = (
    assemblies,
    health,
    intake,
    results,
    ledger,
    decisions,
    definitions,
    downloads,
    parties,
    candidates,
    petitions,
)
APP = Path(__file__).resolve().parents[1] / "src" / "saylau" / "api" / "app.py"


def test_every_documented_operation_is_a_route_of_one_area(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'saylau.db'}")
    documented = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    owners: dict[tuple[str, str], str] = {}
    for area in AREAS:
        for route in area.router.routes:
            assert isinstance(route, APIRoute), route
            path = route.path_format
            for method in route.methods or ():
                assert (method, path) not in owners, (method, path, owners.get((method, path)))
                owners[method, path] = area.__name__
    api = {(method, path) for method, path in documented if path.startswith(("/api/", "/health"))}
    assert api == set(owners)  # the site's pages (and its live JSON) are the site's own


def test_create_app_defines_no_route_of_its_own() -> None:
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    (create_app_def,) = (
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "create_app"
    )
    inner = [
        node.name
        for node in ast.walk(create_app_def)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node is not create_app_def
    ]
    assert inner == []
