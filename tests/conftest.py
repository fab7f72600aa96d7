"""Shared fixtures: where the shared data and standards live beside the repository."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


def shared_cases() -> list[Path]:
    """The official results in ../shared/data (empty when the folder is absent)."""
    return sorted(SHARED_DATA.glob("*.json")) if SHARED_DATA.is_dir() else []


def load_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def need_shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data (official results) is not beside the repository")
    return SHARED_DATA


@pytest.fixture(autouse=True, scope="session")
def ledger_signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One signing key file for the session, as an operator configures it; servers and
    workers started by the tests inherit it through the environment."""
    import os

    from saylau import keyfile

    path = tmp_path_factory.mktemp("keys") / keyfile.DEFAULT_NAME
    keyfile.generate(path)
    previous = os.environ.get(keyfile.ENV)
    os.environ[keyfile.ENV] = str(path)
    yield path
    if previous is None:
        os.environ.pop(keyfile.ENV, None)
    else:
        os.environ[keyfile.ENV] = previous
