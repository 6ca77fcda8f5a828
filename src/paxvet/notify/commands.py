"""CLI commands of the notify domain: `paxvet notify due` (run it from cron every minute)."""

from __future__ import annotations

import typer

from paxvet.console import console, open_engine, print_json

notify_app = typer.Typer(help="Notifications of urgent hits (for review).", no_args_is_help=True)


@notify_app.command("due")
def due_command(
    within: int | None = typer.Option(
        None,
        "--within",
        help="Hours before arrival that make a hit urgent (default PAXVET_NOTIFY_WITHIN_HOURS).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the pass report as JSON."),
) -> None:
    """Send every open high/critical hit whose flight now lands soon and that was never notified.

    Each hit is sent once; a failed send is retried at the next pass. Safe to run every minute from cron,
    even when passes overlap.
    """
    from paxvet.notify.service import notify_due

    report = notify_due(open_engine(), within_hours=within)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(
            f"notify due: {report.due} due, {report.sent} sent, {report.failed} failed (retried next pass), "
            f"{report.skipped} already sent by another pass"
        )
    if report.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")
