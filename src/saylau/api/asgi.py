"""The ASGI application for servers started by import string (several workers).

Each worker reads ``DATABASE_URL``; ``saylau serve`` migrates the schema once before the
workers start, so they only open the database.
"""

from __future__ import annotations

import os

from saylau.api.app import create_app
from saylau.service.context import Context

app = create_app(ctx=Context.open(upgrade=os.environ.get("SAYLAU_MIGRATED") != "1"))
