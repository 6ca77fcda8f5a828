"""CLI commands of the flights domain: `paxvet flights`, `paxvet travellers FLIGHT --date D`."""

from __future__ import annotations

from datetime import date, datetime

import typer
from rich.table import Table

from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.errors import InvalidInput, NotFound
from paxvet.flights.service import find_flights, flight_rows, traveller_dicts


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise InvalidInput(f"--date {value!r}: expected YYYY-MM-DD") from exc


def flights(
    on: str | None = typer.Option(
        None,
        "--date",
        help="Only flights on this date (YYYY-MM-DD) at the reporting country's airport: arriving there "
        "(inbound) or leaving from there (outbound).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """Flights received (from PAXLST), inbound and outbound, with traveller counts against the declared
    totals. IN/OUT: arriving in (inbound) or leaving (outbound) the reporting country; AIRPORT: the
    reporting country's airport; TIME UTC: the scheduled arrival there (in) or departure from there (out)."""
    with session_scope(open_engine()) as session:
        rows = flight_rows(session, _parse_date(on))
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Flights ({len(rows)})")
    for col in ("flight", "date", "in/out", "airport", "from", "to", "time UTC", "status", "pax", "crew"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["flight"],
            r["date"],
            "out" if r["direction"] == "outbound" else "in",
            r["airport"],
            r["origin"] or "",
            r["destination"] or "",
            (r["scheduled_at_airport_utc"] or "")[:16],
            r["status"],
            f"{r['passengers']}"
            + (f"/{r['expected_passengers']}" if r["expected_passengers"] is not None else ""),
            f"{r['crew']}" + (f"/{r['expected_crew']}" if r["expected_crew"] is not None else ""),
        )
    console.print(table)


def travellers(
    flight: str = typer.Argument(..., help="Carrier code + number, e.g. AM645."),
    on: str = typer.Option(
        ...,
        "--date",
        help="Scheduled date at the reporting country's airport (YYYY-MM-DD): the arrival date there for an "
        "inbound flight, the departure date there for an outbound one.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of travellers."),
) -> None:
    """Passengers and crew of one flight, with their travel documents."""
    day = _parse_date(on)
    assert day is not None
    with session_scope(open_engine()) as session:
        found = find_flights(session, flight, day)
        if not found:
            where = "at the reporting country's airport"
            raise NotFound(f"no flight {flight.upper()} on {day.isoformat()} {where}")
        rows = traveller_dicts(session, [f.id for f in found])
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{flight.upper()} {day.isoformat()}: {len(rows)} travellers")
    for col in ("role", "surname", "given names", "born", "sex", "nat", "documents", "status"):
        table.add_column(col)
    for r in rows:
        docs = ", ".join(
            f"{d['type'] or '?'} {d['number']} {d['country'] or ''}"
            + (" !" + ",".join(x["code"] for x in d["findings"]) if d["findings"] else "")
            for d in r["documents"]
        )
        table.add_row(
            r["role"] + (" (transit)" if r["in_transit"] else ""),
            r["surname"],
            r["given_names"],
            r["date_of_birth"] or "",
            r["gender"] or "",
            r["nationality"] or "",
            docs,
            r["boarding_status"],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("flights")(flights)
    app.command("travellers")(travellers)
