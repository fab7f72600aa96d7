"""A submitter that may be killed at any moment.

Run as `python -m tests.crash_worker URL PLAN TOKENS START`.

It works through the plan (a JSON list of protocols; those with a reason are corrections,
which a region's commission then approves) from item START, through ``saylau.service``
directly, and prints one JSON line per item only after the service acknowledged it. A
parent kills it with SIGKILL and starts another from the first unacknowledged item: items
committed but not acknowledged must then come back as duplicates, never twice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from saylau.service.auth import authenticate
from saylau.service.context import Context
from saylau.service.submission import approve, submit

ELECTION = "test-2023"


def main(argv: list[str]) -> int:
    url, plan_path, tokens_path, start = argv[1], Path(argv[2]), Path(argv[3]), int(argv[4])
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    tokens = json.loads(tokens_path.read_text(encoding="utf-8"))
    ctx = Context.open(url, upgrade=False)
    with ctx.sessions() as session:
        central = authenticate(session, ELECTION, tokens["KZ"])
        regions = {
            code: authenticate(session, ELECTION, tokens[code]) for code in ("KZ-71", "KZ-75")
        }
    print(json.dumps({"ready": start}), flush=True)
    for index in range(start, len(plan)):
        item = plan[index]
        receipt = submit(ctx, central, item["protocol"], item["reason"])
        if receipt.status == "correction-pending":
            receipt = approve(ctx, regions[item["precinct"][:5]], receipt.protocol_id)
        print(json.dumps({"item": index, **receipt.as_json()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
