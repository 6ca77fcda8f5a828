"""CLI commands of the links domain: `paxvet links` (neighbourhood) and `paxvet history` (travel history)."""

from __future__ import annotations

import typer
from rich.table import Table

from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope


def links(
    traveller_id: int = typer.Argument(..., help="The traveller (id) whose links to show."),
    hops: int = typer.Option(2, "--hops", min=1, max=2, help="1: direct links; 2: also links of links."),
    days: int | None = typer.Option(None, "--days", min=0, help="Only links seen within N days of today."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="At most this many travellers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Travellers sharing a phone, e-mail, card, address, booking or adjacent seat with TRAVELLER_ID."""
    from paxvet.links.service import neighbourhood

    with session_scope(open_engine()) as session:
        result = neighbourhood(session, traveller_id, hops=hops, days=days, limit=limit)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"Links of traveller {traveller_id} ({hops} hop(s))")
    for column in ("traveller", "name", "flight", "date", "hops", "shared", "via"):
        table.add_column(column)
    for n in result.neighbours:
        table.add_row(
            str(n.traveller_id),
            n.name,
            n.flight,
            str(n.flight_date or ""),
            str(n.hops),
            ", ".join(n.shared),
            ", ".join(map(str, n.via)),
        )
    console.print(table)
    if result.truncated:
        console.print("[yellow]more links exist: raise --limit or narrow --days[/]")


def history(
    traveller_id: int = typer.Argument(..., help="The traveller (id) whose travel history to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """One person's travel across flights, with the confidence and the reason of each link."""
    from paxvet.links.service import travel_history

    with session_scope(open_engine()) as session:
        result = travel_history(session, traveller_id)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"Travel history of traveller {traveller_id}")
    for column in ("date", "flight", "route", "traveller", "name", "confidence", "reason", "with"):
        table.add_column(column)
    for e in result.entries:
        table.add_row(
            str(e.flight_date),
            e.flight,
            f"{e.origin or '?'}-{e.destination or '?'}",
            str(e.traveller_id),
            e.name,
            f"{e.confidence:.2f}",
            e.reason,
            "; ".join(e.co_travellers),
        )
    console.print(table)
    for note in result.notes:
        console.print(f"[yellow]{note}[/]")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.command("links")(links)
    app.command("history")(history)
