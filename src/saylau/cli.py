"""The ``saylau`` command line: each command a few lines over a pure room."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from typer._click import exceptions as usage

from saylau import strictjson
from saylau.assemblies_cli import assemblies_app
from saylau.credentials_cli import credentials_app
from saylau.law import law_book
from saylau.law import views as law_views
from saylau.law.lawbook import render_law_book
from saylau.law.rules import NotInForce
from saylau.ledger_cli import KeyOption, ledger_app
from saylau.model import BadInput, iso_date, parse_contest
from saylau.outcome import decide as decide_contest
from saylau.outcome import to_json
from saylau.petitions_cli import petitions_app
from saylau.pki_cli import pki_app
from saylau.register_cli import register_app

if TYPE_CHECKING:
    from saylau.forensics.seats_montecarlo import CountInProgress
    from saylau.forensics.suite import SuiteReport
    from saylau.outcome.records import AnyOutcome
    from saylau.service.context import Context
    from saylau.service.forensics import PrecinctTable
    from saylau.synth import SyntheticElection

app = typer.Typer(
    help="Saylau: Kazakhstan's electoral law as data, and the engine that applies it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
law_app = typer.Typer(
    help="Read the law book: rules on a date, changes, history.", no_args_is_help=True
)
app.add_typer(law_app, name="law")
election_app = typer.Typer(
    help="Import an election and issue its credentials.", no_args_is_help=True
)
app.add_typer(election_app, name="election")
app.add_typer(ledger_app, name="ledger")
election_app.add_typer(credentials_app, name="credentials")
app.add_typer(register_app, name="register")
app.add_typer(assemblies_app, name="assemblies")
app.add_typer(pki_app, name="pki")
app.add_typer(petitions_app, name="petitions")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: DATABASE_URL, else sqlite:///saylau.db)"),
]

BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """One clear line on stderr, nothing on stdout, exit code 2."""
    sys.stderr.write(f"saylau: {message}\n")
    raise typer.Exit(BAD_INPUT)


def emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def parse_date(text: str, field: str) -> dt.date:
    try:
        return iso_date(text, field)
    except BadInput as exc:
        fail(str(exc))


@app.command()
def decide(
    file: Annotated[
        str, typer.Argument(help="Contest counts as JSON (see docs/formats.md); - for stdin")
    ],
) -> None:
    """Decide one contest under the rules of its date and print the outcome as JSON."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    try:
        raw = strictjson.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{file}: not valid JSON ({exc.msg} at line {exc.lineno})")
    except strictjson.DuplicateKey as exc:
        fail(f"{file}: {exc}")
    try:
        emit(to_json(decide_contest(parse_contest(raw))))
    except BadInput as exc:
        fail(str(exc))


@app.command()
def whatif(
    file: Annotated[
        str | None,
        typer.Argument(help="Contest counts as JSON, as `saylau decide` reads them; - for stdin"),
    ] = None,
    db: DbOption = None,
    election: Annotated[
        str | None, typer.Option("--election", help="with --db: the election night's id")
    ] = None,
    contest: Annotated[
        str | None, typer.Option("--contest", help="with --db: the contest's id")
    ] = None,
    rules_on: Annotated[
        str | None, typer.Option("--rules-on", help="decide under the law of this date")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="decide under this rule-set file (YAML)")
    ] = None,
    monte_carlo: Annotated[
        int, typer.Option("--monte-carlo", help="draws of the seat Monte-Carlo (0: none)")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="seed of the Monte-Carlo")] = 0,
    error: Annotated[
        float, typer.Option("--error", help="share of ballots misrecorded per precinct")
    ] = 0.0,
) -> None:
    """Re-decide a contest under another date's law or a rule set, and simulate its seats
    under the precincts still pending and counting errors; prints JSON."""
    from saylau.forensics import seats_montecarlo
    from saylau.forensics import whatif as what

    if (file is None) == (election is None):
        fail("give either a contest file or --election and --contest (with --db)")
    if rules_on is not None and rules is not None:
        fail("field 'rules': give --rules-on or --rules, not both")
    if monte_carlo < 0:
        fail(
            f"field 'monte_carlo': must be a whole number of draws, 0 or more (found {monte_carlo})"
        )
    try:
        if file is not None:
            counted = seats_montecarlo.from_contest(parse_contest(_read_json(file)))
        else:
            counted = _night_count(db, election, contest)
        subject = counted.contest
        if rules is not None:
            try:
                text = rules.read_text(encoding="utf-8")
            except OSError as exc:
                fail(f"cannot read {rules}: {exc.strerror}")
            rule_set = what.parse_rule_set(text, rules.name, subject.date)
        else:
            day = parse_date(rules_on, "rules_on") if rules_on else subject.date
            rule_set = what.rules_on(day)
        document: dict[str, Any] = what.to_document(what.what_if(subject, rule_set))
        if monte_carlo:
            simulated = {
                name: seats_montecarlo.to_document(
                    seats_montecarlo.simulate(counted, monte_carlo, seed, error, law)
                )
                for name, law in (
                    ("actual", what.rules_on(subject.date).rules),
                    ("what_if", rule_set.rules),
                )
            }
            document["monte_carlo"] = simulated
    except BadInput as exc:
        fail(str(exc))
    emit(document)


def _read_json(file: str) -> Any:
    """A JSON document from a file or stdin, or one clear line and exit 2."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    try:
        return strictjson.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{file}: not valid JSON ({exc.msg} at line {exc.lineno})")
    except strictjson.DuplicateKey as exc:
        fail(f"{file}: {exc}")


def _night_count(db: str | None, election: str | None, contest: str | None) -> CountInProgress:
    from saylau.service.context import Context
    from saylau.service.errors import ServiceError
    from saylau.service.whatif import night_count

    if election is None or contest is None:
        fail("field 'contest': --election and --contest name the night's contest")
    try:
        return night_count(Context.open(db), election, contest)
    except ServiceError as exc:
        fail(exc.detail)


@law_app.command("show")
def law_show(date: Annotated[str, typer.Option("--date", help="ISO 8601 date YYYY-MM-DD")]) -> None:
    """Print the rules in force on a date as JSON."""
    try:
        emit(law_views.show(law_book(), parse_date(date, "date")))
    except NotInForce as exc:
        fail(f"field '{exc.field}': {exc}")


@law_app.command("diff")
def law_diff(
    before: Annotated[str, typer.Argument(help="earlier date, YYYY-MM-DD")],
    after: Annotated[str, typer.Argument(help="later date, YYYY-MM-DD")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List every change of the law between two dates, institutions that ended or began too."""
    d1, d2 = parse_date(before, "before"), parse_date(after, "after")
    if d2 < d1:
        fail(f"field 'after': must not be earlier than {d1.isoformat()} (found {after!r})")
    result = law_views.diff(law_book(), d1, d2)
    if as_json:
        emit(result)
        return
    console = Console(width=160)
    console.print(f"[bold]The law from {result['from']} to {result['to']}[/bold]")
    for word in ("ended", "began"):
        for item in result[word]:
            console.print(
                f"{word.upper()}: {item['title']} (existed {item['existed']}; {item['source']})"
            )
    table = Table("parameter", "before", "after", "since", "source", show_lines=False)
    for change in result["changed"]:
        mark = " [open]" if change["open"] else ""
        table.add_row(
            change["parameter"],
            change["before_shown"],
            change["after_shown"] + mark,
            change["since"],
            change["source"],
        )
    console.print(table)


@law_app.command("history")
def law_history(
    name: Annotated[str, typer.Argument(help="parameter, e.g. parties.membership_minimum")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print one parameter's values over time with their dates and sources."""
    try:
        result = law_views.history(law_book(), name)
    except KeyError as exc:
        fail(f"field 'name': {exc.args[0]}")
    if as_json:
        emit(result)
        return
    console = Console(width=160)
    console.print(f"[bold]{result['parameter']}[/bold]: {result['label']}")
    table = Table("from", "until", "value", "source")
    for period in result["values"]:
        mark = " [open]" if period["open"] else ""
        table.add_row(
            period["from"], period["until"] or "today", period["shown"] + mark, period["source"]
        )
    console.print(table)


@law_app.command("book")
def law_book_command(
    output: Annotated[Path, typer.Option(help="where to write the law book")] = Path("docs/law.md"),
    check: Annotated[bool, typer.Option(help="fail if the file is not up to date")] = False,
) -> None:
    """Write the law book (docs/law.md) from the law data, or check that it is up to date."""
    text = render_law_book(law_book())
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            fail(f"{output} is out of date: run 'saylau law book' and commit it")
        sys.stdout.write(f"{output} is up to date\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {output}\n")


@election_app.command("import")
def election_import(
    file: Annotated[Path, typer.Argument(help="election definition (.json or .yaml)")],
    db: DbOption = None,
    key: KeyOption = None,
) -> None:
    """Import an election definition (idempotent for the same definition); the log's first
    entry, signed with the key file, commits to the definition's hash."""
    from saylau.election import load_election
    from saylau.keyfile import KeyFileError
    from saylau.service.context import Context
    from saylau.service.elections import import_election
    from saylau.service.errors import ServiceError

    try:
        election = load_election(file)
        created = import_election(Context.open(db, signer=key), election)
    except BadInput as exc:
        fail(f"{file}: {exc}")
    except KeyFileError as exc:
        fail(str(exc))
    except ServiceError as exc:
        fail(exc.detail)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    word = "imported" if created else "already imported (same definition)"
    sys.stdout.write(f"{election.id}: {word}; definition hash {election.definition_hash()}\n")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    key: KeyOption = None,
) -> None:
    """Serve the API (and results) with uvicorn; several stateless workers share the database
    and all sign with the one key file."""
    import os

    import uvicorn

    from saylau import keyfile, listening
    from saylau.store import database_url, make_engine, migrate

    try:
        listening.check_options(port, workers)
        listening.check_free(host, port)
    except BadInput as exc:
        fail(str(exc))
    url = database_url(db)
    migrate(make_engine(url))
    path = keyfile.configured_path(url, key)
    try:
        keyfile.load_or_create(path, create=not keyfile.is_configured(key))
    except keyfile.KeyFileError as exc:
        fail(str(exc))
    os.environ[keyfile.ENV] = str(path.resolve())
    os.environ["DATABASE_URL"] = url
    os.environ["SAYLAU_MIGRATED"] = "1"
    sys.stderr.write(listening.banner(host, port, url, workers) + "\n")
    # A worker loads every election's definition before it is ready (seconds at national
    # scale, more at a million precincts): give it time instead of restarting it.
    uvicorn.run(
        "saylau.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_worker_healthcheck=180,
        timeout_keep_alive=30,
        # X-Forwarded-For names the client only when a trusted proxy sent it: the rate
        # limits count clients by address, and nobody else may choose theirs.
        proxy_headers=bool(os.environ.get("SAYLAU_TRUSTED_PROXIES")),
        forwarded_allow_ips=os.environ.get("SAYLAU_TRUSTED_PROXIES") or None,
    )


@app.command()
def publish(
    election_id: Annotated[str, typer.Argument(help="election id")],
    out: Annotated[Path, typer.Option(help="folder for the published files")],
    db: DbOption = None,
) -> None:
    """Write what anyone needs to verify the results: head, leaves, precinct results, totals."""
    from saylau.service.context import Context
    from saylau.service.errors import ServiceError
    from saylau.service.publication import publish as write_publication

    try:
        counted = write_publication(Context.open(db), election_id, out)
    except ServiceError as exc:
        fail(exc.detail)
    sys.stdout.write(
        f"published {counted['leaves']} ledger entries, {counted['precinct_results']} precinct "
        f"results and {counted['totals']} totals to {out}\n"
    )


@app.command()
def verify(
    folder: Annotated[Path, typer.Argument(help="folder written by 'saylau publish'")],
    key: Annotated[
        list[str] | None,
        typer.Option(
            "--key",
            help="the log's key you trust: a verifier key (name+id+key) or a file of them, "
            "one per line; never taken from the folder (repeat for rotated keys)",
        ),
    ] = None,
    previous_head: Annotated[
        Path | None,
        typer.Option(
            "--previous-head",
            help="a checkpoint you kept earlier (note text or ledger-head.json): the log must "
            "extend it",
        ),
    ] = None,
) -> None:
    """Check published results from the published files and a key you trust (exit 1 if any
    check fails, 2 if the options cannot be read)."""
    from saylau.verify import CHECKS, Published, parse_keys, read_checkpoint
    from saylau.verify import verify as run_checks

    try:
        keys = parse_keys(key or [])
    except ValueError as exc:
        fail(f"option '--key': {exc}")
    previous = None
    if previous_head is not None:
        try:
            previous = read_checkpoint(previous_head)
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as exc:
            fail(f"option '--previous-head': cannot read {previous_head} ({exc})")
    report = run_checks(Published.read(folder), keys, previous)
    console = Console(width=120)
    for number, title in CHECKS.items():
        if number == 8 and previous is None:
            continue
        problems = report.failures.get(number, [])
        mark = "[green]ok[/green]" if not problems else f"[red]FAILED ({len(problems)})[/red]"
        console.print(f"{number}. {title}: {mark}", markup=True, highlight=False)
        for sentence in problems[:20]:
            console.print(f"   - {sentence}", markup=False, highlight=False)
    console.print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counted.items()))
    if not report.ok:
        raise typer.Exit(1)


NightOption = Annotated[
    str,
    typer.Option(
        "--night",
        help="which night: 2023 (default), 2022-presidential, 2022-presidential-runoff, "
        "2022-referendum, 2026-kurultai (see README)",
    ),
]


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="folder for election.json and protocols.jsonl")],
    seed: Annotated[int, typer.Option(help="random seed")] = 2023,
    precincts: Annotated[int, typer.Option(help="number of precincts")] = 10_000,
    night_name: NightOption = "2023",
    register: Annotated[
        bool,
        typer.Option(
            "--register",
            help="write the night's national register of citizens (register.parquet) instead",
        ),
    ] = False,
    stuffed: Annotated[
        float,
        typer.Option(
            "--stuffed",
            help="share of precincts to stuff with ballots as Klimek et al. (2012) model it "
            "(e.g. 0.03); the stuffed precincts are written to stuffed.json",
        ),
    ] = 0.0,
) -> None:
    """Generate a night's dataset (by default the 2023 Mazhilis and maslikhats at
    Kazakhstan's scale); a night of two rounds writes each election into a folder named by
    its id. With --register, the register of citizens of the 2023 night as Parquet. With
    --stuffed, a share of precincts is stuffed and named in stuffed.json (the truth the
    forensic checks are measured against)."""
    from saylau.synth import write_dataset
    from saylau.synth.nights import elections
    from saylau.synth.stuffing import StuffingModel, stuff

    if precincts < 1:
        fail(f"field 'precincts': must be a positive integer (found {precincts})")
    if seed < 0:
        fail(f"field 'seed': must be 0 or more (found {seed})")
    if register:
        from saylau.synth.register import generate_register, write_register

        if night_name != "2023":
            fail(f"field 'night': the register is drawn for the 2023 night (found {night_name})")
        try:
            path = write_register(generate_register(seed, precincts), out)
        except BadInput as exc:
            fail(str(exc))
        sys.stdout.write(f"wrote {path} and {path.with_name('register.json')}\n")
        return
    try:
        model = StuffingModel(share=stuffed) if stuffed else None
        found = elections(night_name, seed, precincts)
        for synthetic in found:
            folder = out if len(found) == 1 else out / synthetic.election.id
            truth = stuff(synthetic, seed, model) if model else None
            written = truth.synthetic if truth else synthetic
            election_file, protocols_file = write_dataset(written, folder)
            sys.stdout.write(f"wrote {election_file} and {protocols_file}\n")
            if truth is not None:
                truth_file = folder / "stuffed.json"
                truth_file.write_text(
                    json.dumps(truth.ground_truth(), ensure_ascii=False, indent=1) + "\n"
                )
                sys.stdout.write(f"wrote {truth_file}\n")
    except BadInput as exc:
        fail(str(exc))


@app.command()
def demo(
    db: Annotated[str, typer.Option("--db", help="database URL")] = "sqlite:///var/demo.db",
    seed: Annotated[int, typer.Option(help="random seed of the dataset")] = 2023,
    precincts: Annotated[int, typer.Option(help="number of precincts")] = 10_000,
    host: Annotated[str, typer.Option(help="address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on")] = 8000,
    serve_results: Annotated[
        bool, typer.Option("--serve/--no-serve", help="keep serving after the count")
    ] = True,
    night_name: NightOption = "2023",
    as_json: Annotated[
        bool, typer.Option("--json", help="print each contest's outcome as JSON on stdout")
    ] = False,
) -> None:
    """Election night: generate a night's dataset, submit every protocol through the
    service, print the outcomes and serve the results live. SIGTERM or Ctrl-C stops the
    night and its server (helpers included): exit 0 once the count is done, 128 + the
    signal's number while it is still counting."""
    from saylau import listening
    from saylau.service.context import Context
    from saylau.synth import demo as night
    from saylau.synth.nights import NIGHTS

    if night_name not in NIGHTS:
        fail(f"field 'night': must be one of {', '.join(NIGHTS)} (found {night_name!r})")
    if precincts < 1:
        fail(f"field 'precincts': must be a positive integer (found {precincts})")
    if seed < 0:
        fail(f"field 'seed': must be 0 or more (found {seed})")
    console = Console(stderr=as_json)
    server = None
    counting = True
    try:
        with night.stopped_by_signals():
            if serve_results:
                listening.check_free(host, port)
            # the first election is generated before anything is written, so a count of
            # precincts the night cannot have is refused with the database untouched
            console.print(f"Night {night_name}: {precincts:,} precincts (seed {seed}) …")
            first = NIGHTS[night_name].first(seed, precincts)
            url = night.database_url(db)
            night.reset_sqlite(url)
            console.print(f"Counting into {url}")
            ctx = Context.open(url)
            if serve_results:
                server = night.start_server(url, host, port)
                if not night.wait_ready(host, port, server=server):
                    sys.stderr.write(f"saylau: the results server did not start on {port}\n")
                    raise typer.Exit(1)
                base = listening.base_url(host, port)
                console.print(f"Live results: {base}/  (API: {base}/docs)")
            decided = _count_night(console, ctx, night_name, seed, precincts, first, as_json)
            counting = False
            _print_outcomes(console, decided, as_json)
            if server is None:
                return
            console.print(f"Serving on {listening.base_url(host, port)}/ — Ctrl-C to stop.")
            code = server.wait()
            if code != 0:
                sys.stderr.write(f"saylau: the results server stopped (exit code {code})\n")
                raise typer.Exit(1)
    except BadInput as exc:
        fail(str(exc))
    except night.Stopped as stop:
        console.print(f"Stopped by {stop}.")
        raise typer.Exit(128 + stop.signum if counting else 0) from None
    finally:
        night.stop_server(server)


def _count_night(
    console: Console,
    ctx: Context,
    night_name: str,
    seed: int,
    precincts: int,
    first: SyntheticElection,
    as_json: bool,
) -> dict[str, AnyOutcome | None]:
    """Every protocol of the night through the service, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from saylau.synth import demo as night

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    started = time.monotonic()

    def counted(synthetic: SyntheticElection, tally: dict[str, int]) -> None:
        elapsed = time.monotonic() - started
        console.print(f"{synthetic.election.id}: {tally} ({elapsed:.1f} s)")

    with Progress(*columns, console=console, disable=as_json) as progress:
        task = progress.add_task("Protocols", total=None)
        return night.run_night(
            ctx,
            night_name,
            seed,
            precincts,
            lambda n: progress.advance(task, n),
            counted,
            first,
        )


def _print_outcomes(console: Console, decided: dict[str, AnyOutcome | None], as_json: bool) -> None:
    printed = {contest: None if d is None else to_json(d) for contest, d in decided.items()}
    if as_json:
        emit(printed)
        return
    for contest, decision in printed.items():
        found = {k: v for k, v in (decision or {}).items() if k in _HEADLINE and v}
        console.print(f"{contest}: {found}")


_HEADLINE = ("status", "winner", "runoff", "seats", "valid", "adopted")


# --- i18n: the results site's message catalogues ---------------------------------------
i18n_app = typer.Typer(
    help="Keep the results site's Kazakh, Russian and English catalogues current.",
    no_args_is_help=True,
)
app.add_typer(i18n_app, name="i18n")


@i18n_app.command("update")
def i18n_update() -> None:
    """Extract the site's messages and merge them into each catalogue, keeping translations."""
    from saylau.web import catalogues

    written = catalogues.update()
    for path in written:
        sys.stdout.write(f"wrote {catalogues.display(path)}\n")
    if not written:
        sys.stdout.write("catalogues are current\n")
    for problem in catalogues.problems():
        sys.stdout.write(f"to do: {problem}\n")


@i18n_app.command("check")
def i18n_check() -> None:
    """Fail unless every message of the site has a complete Kazakh and Russian translation
    and every region, district, city and party of the data is named in kk, ru and en."""
    from saylau.territory import name_problems
    from saylau.web import catalogues

    found = catalogues.problems() + name_problems()
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        fail(found[0] + more)
    sys.stdout.write("catalogues and data names are complete and current\n")


# --- end i18n ----------------------------------------------------------------------------


@app.command("export")
def export_results(
    election: Annotated[str, typer.Option("--election", help="election id")],
    out: Annotated[
        Path, typer.Option(help="file to write; without --contest, a folder for every contest")
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv, json, parquet or nist")],
    level: Annotated[str, typer.Option(help="precinct or territory: a row per unit")] = "precinct",
    contest: Annotated[
        str | None, typer.Option(help="contest id (default: every contest, one file each)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write results as open data (CSV, JSON, Parquet or NIST SP 1500-100 JSON), each file
    stamped with the ledger's signed tree head and its status, as the API serves them."""
    from saylau.publication import FORMATS, LEVELS
    from saylau.service import exports
    from saylau.service.context import Context
    from saylau.service.errors import ServiceError

    if fmt not in FORMATS:
        fail(f"field 'format': must be one of {', '.join(FORMATS)} (found {fmt!r})")
    if level not in LEVELS:
        fail(f"field 'level': must be one of {', '.join(LEVELS)} (found {level!r})")
    try:
        written = exports.write(Context.open(db), election, fmt, level, out, contest)
    except ServiceError as exc:
        fail(exc.detail)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    for path, download in written:
        stamp = download.stamp
        sys.stdout.write(f"wrote {path} ({stamp.status}, ledger tree size {stamp.tree_size})\n")


@app.command()
def forensics(
    source: Annotated[
        str,
        typer.Argument(
            help="a night's database (a SQLite file or a database URL) or a precinct table "
            "(.csv, .parquet)"
        ),
    ],
    contest: Annotated[
        str | None, typer.Option(help="contest id (a night's only contest if not given)")
    ] = None,
    election: Annotated[
        str | None, typer.Option(help="election id (the latest imported if not given)")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="a table's column mapping, YAML or JSON")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(help="FIELD=COLUMN (a+b sums columns; option:NAME=COLUMN), repeatable"),
    ] = None,
    plots: Annotated[Path | None, typer.Option(help="folder for the pictures")] = None,
    fmt: Annotated[str, typer.Option("--format", help="png or svg: the pictures' format")] = "svg",
    lang: Annotated[str, typer.Option(help="kk, ru or en: the pictures' language")] = "en",
    replicates: Annotated[
        int, typer.Option(min=0, max=100_000, help="Monte-Carlo replicates of the null")
    ] = 1000,
) -> None:
    """Run every forensic method on a night's live totals or on an imported precinct table and
    print one JSON report (format saylau-forensics/1); with --plots, draw the fingerprint, the
    whole-percentage histograms and the second digits."""
    from saylau.service import forensics as examine
    from saylau.service.errors import ServiceError

    if fmt not in PLOT_FORMATS:
        fail(f"field 'format': must be one of {', '.join(PLOT_FORMATS)} (found {fmt!r})")
    if lang not in ("kk", "ru", "en"):
        fail(f"field 'lang': must be one of kk, ru, en (found {lang!r})")
    try:
        if Path(source).suffix.lower() in examine.TABLE_SUFFIXES:
            table, labels, described = _imported_table(Path(source), mapping, column or [])
        else:
            if mapping is not None or column:
                fail("field 'mapping': only a table (.csv, .parquet) is read with a mapping")
            table, labels, described = _night_table(source, election, contest)
        report = table.report(replicates)
    except (BadInput, ServiceError) as exc:
        fail(exc.detail if isinstance(exc, ServiceError) else str(exc))
    document = {"source": described, **report.to_json()}
    if plots is not None:
        try:
            document["plots"] = [str(p) for p in _draw_plots(report, plots, fmt, lang, labels)]
        except OSError as exc:
            fail(f"cannot write {plots}: {exc.strerror}")
    emit(document)


PLOT_FORMATS = ("png", "svg")


def _imported_table(
    path: Path, mapping: Path | None, pairs: list[str]
) -> tuple[PrecinctTable, dict[str, str], dict[str, Any]]:
    import yaml

    from saylau.forensics.mapping import mapping_from_pairs, read_mapping
    from saylau.service import forensics as examine

    if mapping is None and not pairs:
        raise BadInput("mapping", "a table needs --mapping FILE or --column FIELD=COLUMN")
    if mapping is not None and pairs:
        raise BadInput("mapping", "give --mapping or --column, not both")
    if mapping is not None:
        try:
            raw = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInput("mapping", "must be a readable file", exc.strerror) from None
        except yaml.YAMLError as exc:
            raise BadInput("mapping", "must be YAML or JSON", str(exc).splitlines()[0]) from None
        read = read_mapping(raw)
    else:
        read = mapping_from_pairs(pairs)
    table = examine.read_table(path, read)
    return table, {}, {"kind": "table", "file": path.name, "precincts": len(table.precincts)}


def _night_table(
    source: str, election: str | None, contest: str | None
) -> tuple[PrecinctTable, dict[str, str], dict[str, Any]]:
    from saylau.service import forensics as examine
    from saylau.service.context import Context
    from saylau.service.elections import latest_election
    from saylau.web.i18n import name

    if "://" in source:
        url = source
    else:
        if not Path(source).is_file():
            raise BadInput(
                "source", "must be a night's database file, a database URL or a table", source
            )
        url = f"sqlite:///{Path(source).resolve()}"
    ctx = Context.open(url, upgrade=False)
    try:
        election_id = election or latest_election(ctx)
        with ctx.sessions() as session:
            defined = ctx.catalog(session, election_id).election
        if contest is None:
            if len(defined.contests) != 1:
                raise BadInput(
                    "contest",
                    "name one with --contest: " + ", ".join(c.id for c in defined.contests),
                )
            contest = defined.contests[0].id
        table = examine.night_table(ctx, election_id, contest)
        options = defined.contest(contest).options
    finally:
        ctx.engine.dispose()
    labels = {o.id: name(dict(o.names), "en") for o in options}
    described = {
        "kind": "night",
        "election": election_id,
        "contest": contest,
        "tree_size": table.tree_size,
        "precincts": len(table.precincts),
    }
    return table, labels, described


def _draw_plots(
    report: SuiteReport, folder: Path, fmt: str, lang: str, labels: dict[str, str]
) -> list[Path]:
    from matplotlib import pyplot as plt

    from saylau.web import charts
    from saylau.web.observers import chart_labels, second_digit_series

    folder.mkdir(parents=True, exist_ok=True)
    names = chart_labels(lang, labels.get(report.leader, report.leader))
    series, shares, expected = second_digit_series(report, lang, labels)
    figures = {
        "fingerprint": charts.fingerprint_figure(
            report.fingerprint.counts.tolist(), names.fingerprint, names.turnout, names.share
        ),
        "integer-percentages": charts.percentages_figure(
            report.percents.edges.tolist(),
            report.percents.turnout.tolist(),
            report.percents.share.tolist(),
            (names.stations_by_turnout, names.stations_by_share),
            names.percentages,
        ),
        "second-digit": charts.second_digit_figure(
            series, shares, expected, names.benford, names.second_digit
        ),
    }
    written = []
    for stem, figure in figures.items():
        path = folder / f"{stem}.{fmt}"
        figure.savefig(path, format=fmt, bbox_inches="tight", metadata=_plot_metadata(fmt))
        plt.close(figure)
        written.append(path)
    return written


def _plot_metadata(fmt: str) -> dict[str, Any]:
    """No date in the files: the same report draws the same bytes."""
    return {"Date": None} if fmt == "svg" else {"Software": None}


def usage_line(error: usage.ClickException) -> str:
    """A usage error as the one line every bad argument ends in: the command, then the rule."""
    message = " ".join(error.format_message().split())
    names: list[str] = []
    context = getattr(error, "ctx", None)
    while context is not None and context.parent is not None:
        names.insert(0, context.info_name or "")
        context = context.parent
    command = " ".join(name for name in names if name)
    return f"{command}: {message}" if command else message


@app.command("dictionary")
def data_dictionary(
    out: Annotated[Path, typer.Option(help="folder to write data-dictionary.{kk,ru,en}.md into")],
) -> None:
    """Write the data dictionary (every download column, JSON field and publish-folder file)
    in Kazakh, Russian and English, from the site's catalogues."""
    from saylau.web import dictionary

    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in dictionary.documents().items():
            (out / name).write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {out / name}\n")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")


def main() -> None:
    """Run the command line; a usage error is one line and exit 2, never a boxed page of usage.

    Typer draws argument errors (a port that is not a number, an unknown option) as a framed
    usage block; scripts and people reading logs want the same single ``saylau: …`` line that
    every refusal of ours prints.
    """
    try:
        returned = app(standalone_mode=False)
    except usage.NoArgsIsHelpError as asked:
        asked.show()
        sys.exit(asked.exit_code)
    except usage.ClickException as error:
        sys.stderr.write(f"saylau: {usage_line(error)}\n")
        sys.exit(BAD_INPUT if isinstance(error, usage.UsageError) else error.exit_code)
    except typer.Abort:
        sys.stderr.write("saylau: stopped\n")
        sys.exit(130)
    sys.exit(returned if isinstance(returned, int) else 0)
