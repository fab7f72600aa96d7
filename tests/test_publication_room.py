"""The publication room stays pure: its writers import the plain records (the election, the
counts, the typed outcome records), the figures and the one way a moment is written
(``saylau.moments``, pure), never storage, the service, the deciding
code or a web framework, so a file is a function of what it is given."""

from __future__ import annotations

import ast
from pathlib import Path

ROOM = Path(__file__).resolve().parents[1] / "src" / "saylau" / "publication"
ALLOWED = (
    "saylau.election",
    "saylau.model",
    "saylau.moments",
    "saylau.outcome.records",
    "saylau.tabulation",
    "saylau.publication",
)


def imports_of(path: Path) -> set[str]:
    """The ``saylau`` modules a file imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "saylau":  # ``from saylau import __version__`` and the like
                found |= {f"saylau.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.split(".")[0] == "saylau"}


def test_the_writers_import_only_records_and_figures() -> None:
    files = sorted(ROOM.glob("*.py"))
    assert len(files) >= 7, files
    wrong = {
        f"{path.name}: {name}"
        for path in files
        for name in imports_of(path)
        if name != "saylau.__version__" and not name.startswith(ALLOWED)
    }
    assert not wrong, sorted(wrong)


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("from saylau.store.tables import TotalRow\nfrom saylau import service\n")
    assert imports_of(planted) == {"saylau.store.tables", "saylau.service"}
