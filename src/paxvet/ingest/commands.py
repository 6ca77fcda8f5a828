"""CLI commands of the ingest domain: `paxvet ingest`, `paxvet quarantine list|show|replay`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.errors import InvalidInput
from paxvet.ingest import quarantine as q
from paxvet.ingest.service import IngestSummary, ReceiveResult, iter_input_files, replay

PROGRESS_THRESHOLD = 20  # files; below this a bar is noise

quarantine_app = typer.Typer(
    help="Messages that failed: list them, show their located problems, replay them after a fix.",
    no_args_is_help=True,
)


def ingest(
    paths: list[Path] = typer.Argument(..., help="PAXLST/PNRGOV files or folders (read recursively)."),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (stable keys) instead of tables."
    ),
) -> None:
    """Receive airline message files: store every byte, map PAXLST/PNRGOV into flights and travellers,
    quarantine what fails (with every problem located). Exit 0 when every input was stored."""
    from paxvet.ingest.service import ingest_paths

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InvalidInput("no such file or folder: " + ", ".join(missing))
    from paxvet.screening.service import after_ingest_callback, screen_pending_in

    engine = open_engine()
    screen_pending_in(engine)  # finish what a killed earlier run stored but did not screen
    files = list(iter_input_files(paths))
    screen = after_ingest_callback(engine)  # every stored file is screened at once (screening domain)
    if as_json or len(files) < PROGRESS_THRESHOLD:
        summary = ingest_paths(engine, files, on_received=screen)
    else:
        summary = _with_progress(engine, files, screen)
    if as_json:
        print_json(summary.to_dict())
        return
    _print_summary(summary)


def _with_progress(
    engine: object, files: list[Path], screen: Callable[[Path, ReceiveResult], None]
) -> IngestSummary:
    from sqlalchemy.engine import Engine

    from paxvet.ingest.service import ingest_paths

    assert isinstance(engine, Engine)
    columns = (
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=len(files))

        def advance(path: Path, result: ReceiveResult) -> None:
            screen(path, result)
            progress.update(task, advance=1, description=path.name[:40])

        return ingest_paths(engine, files, on_received=advance)


def _print_summary(summary: IngestSummary) -> None:
    data = summary.to_dict()
    table = Table(title="Ingest summary", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    for key in ("files", "received", "processed", "duplicates", "quarantined", "flights", "travellers"):
        table.add_row(key, str(data[key]))
    console.print(table)
    if summary.reasons:
        reasons = Table(title="Quarantined, by first error", show_header=True)
        reasons.add_column("reason")
        reasons.add_column("messages", justify="right")
        for reason, count in sorted(summary.reasons.items(), key=lambda kv: -kv[1]):
            reasons.add_row(reason, str(count))
        console.print(reasons)
        console.print("See [bold]paxvet quarantine list[/] and [bold]paxvet quarantine show ID[/].")


@quarantine_app.command("list")
def quarantine_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Quarantined messages, oldest first, with their first error."""
    with session_scope(open_engine()) as session:
        rows = q.quarantined(session)
        if as_json:
            print_json([q.message_dict(r) for r in rows])
            return
        table = Table(title=f"Quarantine ({len(rows)} messages)")
        for col in ("id", "received", "type", "source", "problems", "first error"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                str(r.id),
                r.received_at.strftime("%Y-%m-%d %H:%M"),
                r.message_type,
                Path(r.source).name,
                str(len(r.problems or [])),
                q.first_error(r),
            )
        console.print(table)


@quarantine_app.command("show")
def quarantine_show(
    message_id: int = typer.Argument(..., help="Message id (from `paxvet quarantine list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON, including the stored content."),
) -> None:
    """One received message: where it came from, every located problem, and its stored content."""
    with session_scope(open_engine()) as session:
        raw = q.get_message(session, message_id)
        if as_json:
            print_json(q.message_dict(raw, with_content=True))
            return
        data = q.message_dict(raw)
        for key in ("id", "status", "message_type", "source", "received_at", "sender", "message_ref", "part"):
            console.print(f"[bold]{key}[/]: {data[key]}")
        for p in data["problems"]:
            colour = "red" if p.get("severity") == "error" else "yellow"
            console.print(f"  [{colour}]{p.get('severity')}[/] {p.get('location')}: {p.get('message')}")
        console.rule("content")
        console.print(raw.content.decode("utf-8", errors="replace"), markup=False, highlight=False)


@quarantine_app.command("replay")
def quarantine_replay(
    message_ids: list[int] = typer.Argument(None, help="Message ids to replay (default: with --all)."),
    corrected: Path | None = typer.Option(
        None, "--file", help="Corrected bytes for ONE message; stored as a new message linked to it."
    ),
    replay_all: bool = typer.Option(False, "--all", help="Replay every quarantined message."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-process quarantined messages: their stored bytes (after a parser fix), or corrected bytes."""
    if corrected is not None and (replay_all or len(message_ids or []) != 1):
        raise InvalidInput("--file needs exactly one message id")
    if corrected is not None and not corrected.exists():
        raise InvalidInput(f"no such file: {corrected}")
    results: list[dict[str, Any]] = []
    with session_scope(open_engine()) as session:
        ids = list(message_ids or [])
        if replay_all:
            ids = [r.id for r in q.quarantined(session, limit=100_000)]
        if not ids:
            raise InvalidInput("give message ids or --all")
        for message_id in ids:
            data = corrected.read_bytes() if corrected is not None else None
            outcome = replay(session, message_id, data, str(corrected) if corrected else "")
            results.append({"id": message_id, "status": outcome.status, "problems": outcome.problems})
    if as_json:
        print_json(results)
        return
    for r in results:
        console.print(f"message {r['id']}: {r['status']}")
        for p in r["problems"]:
            if p.get("severity") == "error":
                console.print(f"  [red]error[/] {p.get('location')}: {p.get('message')}")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI (and the flights domain's, which it feeds)."""
    from paxvet.flights import commands as flight_commands

    app.command("ingest")(ingest)
    app.add_typer(quarantine_app, name="quarantine")
    flight_commands.register(app)
