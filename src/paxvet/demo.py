"""`paxvet demo`: the whole pipeline on the embedded default, end to end.

Synthesises a wanted-persons list and a day of arrivals into Mexican airports with some of the listed
persons planted under realistic name variations, ingests and screens everything, prints the vetting queue,
creates a demo officer whose generated password is printed once, and starts the web application."""

from __future__ import annotations

import logging
import os
import random
import shutil
from datetime import date
from pathlib import Path

import typer

from paxvet.console import console
from paxvet.errors import InvalidInput

DEMO_AGENCY = "MX-INM"
WANTED_LIST = "MX-FGR-WANTED"
MEXICAN_AIRPORTS = ("MEX", "CUN", "GDL", "MTY", "TIJ")


def _use_demo_database(fresh: bool) -> Path:
    """The demo gets its own SQLite file in the data directory (unless a database URL is configured)."""
    from paxvet.settings import get_settings

    settings = get_settings()
    folder = settings.data_dir / "demo"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not settings.database_url:
        os.environ["PAXVET_DATABASE_URL"] = f"sqlite:///{(folder / 'paxvet-demo.sqlite3').resolve()}"
        get_settings.cache_clear()
    return folder


def _parse_list_option(spec: str) -> tuple[str, Path]:
    fmt, sep, path = spec.partition(":")
    if not sep or not path:
        raise InvalidInput(f"--list takes FORMAT:PATH (e.g. un-xml:lists/un.xml), not {spec!r}")
    return fmt, Path(path)


def _load_lists(folder: Path, wanted: int, seed: int, extra: list[str]) -> list[dict[str, str]]:
    from paxvet.console import open_engine
    from paxvet.db import session_scope
    from paxvet.synth import synth_wanted_list, write_wanted_csv
    from paxvet.watchlists.service import load_list

    rows = synth_wanted_list(wanted, seed)
    path = write_wanted_csv(rows, folder / "wanted.csv")
    specs = [("paxvet-csv", path, WANTED_LIST, "wanted")]
    specs += [(fmt, p, f"{fmt}-{p.stem}".upper(), "sanctions") for fmt, p in map(_parse_list_option, extra)]
    for fmt, source, name, category in specs:
        with session_scope(open_engine()) as session:
            report = load_list(
                session,
                fmt,
                source,
                name,
                category=category,
                severity="high",
                owner=DEMO_AGENCY,
                loaded_by="demo",
            )
        console.print(f"list [bold]{name}[/]: {report.to_dict().get('entries', '?')} entries loaded")
    return rows


def _arrivals(
    folder: Path, rows: list[dict[str, str]], flights: int, travellers: int, planted: int, seed: int
) -> Path:
    from paxvet.synth import synth_day

    chosen = random.Random(seed).sample(rows, min(planted, len(rows)))
    day = synth_day(
        day=date.today(),
        flights=flights,
        travellers_per_flight=travellers,
        seed=seed,
        multipart=True,
        crew=True,
        plant=chosen,
        airports=MEXICAN_AIRPORTS,
    )
    inbox = folder / "inbox"
    inbox.mkdir(exist_ok=True)
    for message in day.messages:
        (inbox / message.filename).write_bytes(message.data)
    console.print(
        f"synthesised {len(day.flights)} flights, {day.traveller_count} travellers "
        f"({len(day.truth)} listed persons planted under name variations)"
    )
    return inbox


def _ingest_and_screen(inbox: Path) -> None:
    from paxvet.console import open_engine
    from paxvet.ingest.service import ingest_paths
    from paxvet.screening.service import after_ingest_callback

    engine = open_engine()
    # The log notifier would print every high-severity hit; the demo shows the queue instead.
    logging.getLogger("paxvet.notify").setLevel(logging.ERROR)
    summary = ingest_paths(engine, [inbox], on_received=after_ingest_callback(engine))
    console.print(f"ingested and screened: {summary.to_dict()}")


def _show_queue() -> None:
    from paxvet.vetting.commands import queue_command

    queue_command(
        airport=None, flight=None, list_name=None, category=None, status=["open"], limit=25, as_json=False
    )


def _demo_officer() -> tuple[str, str]:
    from paxvet.accounts.passwords import generate_password
    from paxvet.accounts.service import create_user, find_user
    from paxvet.console import open_engine
    from paxvet.db import session_scope

    username, password = "demo.officer", generate_password()
    with session_scope(open_engine()) as session:
        if find_user(session, username) is None:
            create_user(
                session,
                username=username,
                password=password,
                role="supervisor",
                agency=DEMO_AGENCY,
                display_name="Demo officer",
                created_by="demo",
            )
        else:
            password = "(unchanged: the demo officer already exists; run `paxvet demo --fresh`)"
    return username, password


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        flights: int = typer.Option(30, "--flights", min=1, help="Flights arriving today."),
        travellers: int = typer.Option(120, "--travellers", min=1, help="Passengers per flight."),
        wanted: int = typer.Option(150, "--wanted", min=1, help="Persons on the synthetic wanted list."),
        planted: int = typer.Option(20, "--planted", min=0, help="Wanted persons planted on flights."),
        lists: list[str] = typer.Option(
            [], "--list", help="Also load a real list: FORMAT:PATH (repeatable)."
        ),
        seed: int = typer.Option(1, "--seed", help="Same seed, same demo."),
        fresh: bool = typer.Option(True, "--fresh/--keep", help="Start from an empty demo database."),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web application afterwards."),
        port: int = typer.Option(8000, "--port", help="Port of the web application."),
    ) -> None:
        """Synthesise a day of arrivals, ingest and screen it, show the queue, and serve the web app."""
        folder = _use_demo_database(fresh)
        rows = _load_lists(folder, wanted, seed, lists)
        _ingest_and_screen(_arrivals(folder, rows, flights, travellers, planted, seed))
        _show_queue()
        username, password = _demo_officer()
        console.print(f"\ndemo officer: [bold]{username}[/]  password: [bold]{password}[/]  (shown once)")
        if serve:
            from paxvet.web.commands import serve as serve_command

            console.print(f"web application: http://127.0.0.1:{port}/  (Ctrl-C to stop)")
            serve_command(host="127.0.0.1", port=port, workers=1)
