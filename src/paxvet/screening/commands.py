"""CLI commands of the screening domain: `paxvet rescreen` (and the matcher's `paxvet screen`)."""

from __future__ import annotations

import typer
from rich.table import Table

from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.screening.service import ScreeningReport


def rescreen_command(
    list_name: str | None = typer.Option(
        None, "--list", help="Screen against what this list's newest version added or changed (the delta)."
    ),
    version_id: int | None = typer.Option(None, "--version", help="... or against this version's delta."),
    as_json: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Re-screen travellers of flights in the retro window (default 24 h behind to 72 h ahead).

    With --list or --version, only that version's added and changed entries are screened and its removed
    entries withdraw their undecided hits. Without, every traveller in the window is screened again
    against every active list.
    """
    from paxvet.screening.retro import rescreen_in, rescreen_window_in

    engine = open_engine()
    target: int | str | None = version_id if version_id is not None else list_name
    report = rescreen_window_in(engine) if target is None else rescreen_in(engine, target)
    if as_json:
        print_json(report.to_dict())
        return
    print_report(report)


def print_report(report: ScreeningReport) -> None:
    table = Table(title=f"Screening run {report.run_id} ({report.kind})")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("travellers covered", report.travellers),
        ("entries screened", report.entries),
        ("new hits", report.new_hits),
        ("updated hits", report.updated_hits),
        ("suppressed (allow-list)", report.suppressed_hits),
        ("withdrawn", report.withdrawn_hits),
        ("notified", report.notified),
    ):
        table.add_row(label, str(value))
    table.add_row("seconds", f"{report.seconds:.2f}")
    console.print(table)


def runs_command(
    limit: int = typer.Option(20, help="How many runs, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recent screening runs: live (after manifests) and retro (after list changes)."""
    from sqlalchemy import select

    from paxvet.screening.models import ScreeningRun

    with session_scope(open_engine()) as session:
        runs = session.scalars(select(ScreeningRun).order_by(ScreeningRun.id.desc()).limit(limit)).all()
        rows = [
            {
                "id": r.id,
                "kind": r.kind,
                "started_at": r.started_at.isoformat(),
                "list_version_id": r.list_version_id,
                "travellers": r.travellers_covered,
                "new_hits": r.new_hits,
                "withdrawn_hits": r.withdrawn_hits,
                "seconds": r.duration_seconds,
            }
            for r in runs
        ]
    if as_json:
        print_json(rows)
        return
    columns = ("id", "kind", "started_at", "list_version_id", "travellers", "new_hits", "seconds")
    table = Table(title="Screening runs")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.command("rescreen")(rescreen_command)
    app.command("screening-runs")(runs_command)
    from paxvet.screening.batch import register_batch  # `paxvet screen` (the matcher's batch command)

    register_batch(app)
