"""Forensics on a night in the database: an approved correction that moved votes between
candidates, with the ballots unchanged, is flagged with its precinct; the report is kept for
its ledger size and computed again once the ledger moves."""

from __future__ import annotations

from pathlib import Path

from saylau.protocol import protocol_to_mapping
from saylau.service import forensics
from saylau.service.context import Context
from saylau.service.elections import import_election
from saylau.service.submission import approve, submit
from saylau.synth.demo import submit_all
from saylau.synth.nights import presidential_2022
from tests.databases import principals


def test_a_correction_that_moved_votes_is_flagged_on_the_night(tmp_path: Path) -> None:
    night = presidential_2022(31, 300)
    election = night.election
    contest = election.contests[0].id
    ctx = Context.open(f"sqlite:///{tmp_path / 'night.db'}")
    try:
        import_election(ctx, election)
        found = principals(ctx, election.id)
        republic = election.path(night.protocols[0].precinct)[0]
        regions = {u.code: found[u.code] for u in election.children(republic)}
        submit_all(ctx, night, regions, 31, lambda _: None)
        size_before, before = forensics.night_report(ctx, election.id, contest)
        assert before.method("moved_votes").flagged == ()
        assert forensics.night_report(ctx, election.id, contest)[1] is before  # kept
        protocol = next(p for p in night.protocols if p.contest == contest)
        changed = protocol_to_mapping(protocol)
        first, second = list(changed["votes"])[:2]
        moved = min(25, changed["votes"][second])
        changed["votes"] = changed["votes"] | {
            first: changed["votes"][first] + moved,
            second: changed["votes"][second] - moved,
        }
        path = election.path(protocol.precinct)
        pending = submit(ctx, found[path[-2]], changed, reason="recount")
        approve(ctx, found[path[-3]], pending.protocol_id)
        size_after, after = forensics.night_report(ctx, election.id, contest)
    finally:
        ctx.engine.dispose()
    assert size_after > size_before
    result = after.method("moved_votes")
    assert result.tested == 1
    assert [p.precinct for p in result.flagged[0].precincts] == [protocol.precinct]
    assert result.flagged[0].precincts[0].score == moved
    assert after.flagged_precincts()[protocol.precinct][-1] == "moved_votes"
