"""The ASGI application for servers started by import string (several workers).

Each worker reads ``DATABASE_URL``; ``saylau serve`` migrates the schema once before the
workers start, so they only open the database.
"""

from __future__ import annotations

import os
import sys

from saylau.api.app import create_app
from saylau.service.context import Context
from saylau.web import drawing

# Writers run CPU-bound checks in threads; a short switch interval keeps the event loop that
# answers readers from waiting 5 ms for the interpreter each time it returns from I/O.
sys.setswitchinterval(float(os.environ.get("SAYLAU_SWITCH_INTERVAL", "0.0005")))

context = Context.open(upgrade=os.environ.get("SAYLAU_MIGRATED") != "1")
context.warm()
app = create_app(ctx=context)
app.router.lifespan_context = drawing.stopping_helper(app.router.lifespan_context)
