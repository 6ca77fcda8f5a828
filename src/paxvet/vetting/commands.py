"""CLI commands of the vetting domain: `paxvet queue`, `paxvet hit show|decide`, `paxvet allowlist`,
`paxvet lookouts`. The JSON output (--json) is a stable interface for integrators."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.table import Table

from paxvet.accounts.policy import visible_hits_clause
from paxvet.console import console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.screening.models import HIT_STATUSES
from paxvet.vetting import allowlist, service
from paxvet.vetting.models import DISPOSITIONS
from paxvet.vetting.schemas import hit_detail, queue_item, suppression_dict

hit_app = typer.Typer(
    help="One hit: show it with its explanation and history, or decide it.", no_args_is_help=True
)
allowlist_app = typer.Typer(
    help="False-positive memory: list the suppressions in force, revoke one.", no_args_is_help=True
)


@dataclass
class AgencyOfficer:
    """Whom `paxvet queue --agency` shows the queue as: an officer of that agency (accounts.policy)."""

    username: str
    agency_code: str
    role: str = "officer"


def _me() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def queue_command(
    airport: str | None = typer.Option(None, help="Airport of arrival (IATA), e.g. MEX."),
    flight: str | None = typer.Option(None, help="Flight code, e.g. AM645."),
    list_name: str | None = typer.Option(None, "--list", help="Only hits on this list."),
    category: str | None = typer.Option(None, help="Only this category (wanted, sanctions, document...)."),
    status: list[str] = typer.Option(
        ["open"], "--status", help=f"Status to show (repeatable): {', '.join(HIT_STATUSES)}."
    ),
    limit: int = typer.Option(500, help="At most this many hits."),
    agency: Annotated[
        str | None,
        typer.Option(
            help="Only what an officer of this agency may see (its lists' hits and document findings)."
        ),
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of hits (stable keys)."),
) -> None:
    """Hits awaiting review: soonest arrival first, then most severe, with the time left before landing."""
    filters = service.QueueFilters(airport, flight, list_name, category, tuple(status), limit)
    scope = AgencyOfficer(_me(), agency) if agency else None
    visible = visible_hits_clause(scope) if scope else None
    with session_scope(open_engine()) as session:
        hits = service.queue(session, filters, viewer=scope or _me(), visible=visible)
        items = [queue_item(h) for h in hits]
    if as_json:
        print_json(items)
        return
    table = Table(title=f"Vetting queue ({len(items)} hits)")
    for column in ("id", "flight", "lands in", "traveller", "born", "list", "entry", "score", "severity"):
        table.add_column(column)
    for item in items:
        traveller = item["traveller"]
        table.add_row(
            str(item["id"]),
            f"{item['flight']} {item['airport']}",
            _minutes(item["minutes_to_arrival"]),
            f"{traveller['surname']}, {traveller['given_names']}",
            traveller["date_of_birth"] or "?",
            item["list"] or item["kind"],
            f"{item['source_id'] or ''} {item['entry_name'] or item['summary'][:40]}".strip(),
            f"{item['score']:.2f}",
            item["severity"],
        )
    console.print(table)


def _minutes(value: float | None) -> str:
    if value is None:
        return "?"
    sign = "-" if value < 0 else ""
    hours, minutes = divmod(int(abs(value)), 60)
    return f"{sign}{hours}h{minutes:02d}"


@hit_app.command("show")
def show(
    hit_id: int = typer.Argument(..., help="Hit id (from `paxvet queue`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A hit with the matcher's explanation, the traveller's documents and every disposition so far."""
    with session_scope(open_engine()) as session:
        detail = hit_detail(service.get_hit(session, hit_id), service.history(session, hit_id))
    if as_json:
        print_json(detail)
        return
    traveller = detail["traveller"]
    console.print(f"[bold]Hit {detail['id']}[/] ({detail['kind']}, {detail['status']}, {detail['severity']})")
    console.print(f"  flight     {detail['flight']} -> {detail['airport']} at {detail['arrival']}")
    console.print(
        f"  traveller  {traveller['surname']}, {traveller['given_names']} born {traveller['date_of_birth']}"
        f" ({traveller['role']}, {traveller['nationality']})"
    )
    console.print(f"  list       {detail['list']} entry {detail['source_id']}: {detail['entry_name']}")
    console.print(f"  score      {detail['score']:.2f}", markup=False)
    console.print(f"  why        {detail['summary']}", markup=False, soft_wrap=True)
    if detail["status_reason"]:
        console.print(f"  note       {detail['status_reason']}", markup=False, soft_wrap=True)
    for doc in detail["documents"]:
        console.print(f"  document   {doc['type']} {doc['number']} ({doc['country']})", markup=False)
    console.print("  explanation " + json.dumps(detail["explanation"], ensure_ascii=False), markup=False)
    for record in detail["history"]:
        console.print(
            f"  {record['at']}  {record['officer']}: {record['previous_status']} -> {record['disposition']}"
            f"  \u201c{record['comment']}\u201d",
            markup=False,
            soft_wrap=True,
        )


@hit_app.command("decide")
def decide(
    hit_id: int = typer.Argument(..., help="Hit id."),
    disposition: str = typer.Option(..., "--disposition", "-d", help=f"One of: {', '.join(DISPOSITIONS)}."),
    comment: str = typer.Option("", "--comment", "-c", help="Why (required)."),
    officer: str | None = typer.Option(None, help="Deciding officer (default: the logged-in user)."),
    agency: str | None = typer.Option(None, help="The officer's agency, e.g. MX-INM."),
    as_json: bool = typer.Option(False, "--json", help="Print the recorded disposition as JSON."),
) -> None:
    """Record a disposition. A comment is required; a withdrawn hit cannot be decided (exit 2)."""
    with session_scope(open_engine()) as session:
        decision = service.decide(session, hit_id, disposition, comment, officer or _me(), agency)
        result = {
            "hit_id": hit_id,
            "disposition": decision.disposition.disposition,
            "previous_status": decision.disposition.previous_status,
            "officer": decision.disposition.officer,
            "at": decision.disposition.at.isoformat(),
            "suppressions": [s.id for s in decision.suppressions],
            "lookout": decision.lookout.id if decision.lookout else None,
        }
    if as_json:
        print_json(result)
        return
    console.print(f"hit {hit_id}: {result['previous_status']} -> {result['disposition']}")
    if result["suppressions"]:
        console.print(
            f"  allow-listed this identity against the entry (suppressions {result['suppressions']})"
        )
    if result["lookout"]:
        console.print(f"  lookout {result['lookout']} raised for the port of entry")


@allowlist_app.command("list")
def allowlist_list(
    include_inactive: bool = typer.Option(False, "--all", help="Also expired and revoked suppressions."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Suppressions: identity (document + DOB) x entry, with who decided, when, and until when."""
    with session_scope(open_engine()) as session:
        rows = [
            suppression_dict(s)
            for s in allowlist.list_suppressions(session, include_inactive=include_inactive)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Allow-list ({len(rows)})")
    for column in ("id", "state", "document", "born", "entry", "by", "expires"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["state"],
            f"{row['document_number']} ({row['issuing_country']})",
            row["date_of_birth"],
            str(row["entry_id"]),
            row["created_by"],
            (row["expires_at"] or "")[:10],
        )
    console.print(table)


@allowlist_app.command("revoke")
def allowlist_revoke(
    suppression_id: int = typer.Argument(..., help="Suppression id (from `paxvet allowlist list`)."),
    reason: str = typer.Option("", "--reason", help="Why it is revoked (kept in the audit trail)."),
) -> None:
    """End a suppression now: the next screening of that identity raises an open hit again."""
    with session_scope(open_engine()) as session:
        allowlist.revoke(session, suppression_id, by=_me(), reason=reason)
    console.print(f"allow-list entry {suppression_id} revoked")


def lookouts_command(
    port: str | None = typer.Option(None, help="Airport of entry, e.g. MEX."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Lookouts raised for ports of entry by confirmed wanted-person or extradition hits."""
    with session_scope(open_engine()) as session:
        rows = [
            {
                "id": lk.id,
                "port": lk.port,
                "hit_id": lk.hit_id,
                "traveller_id": lk.traveller_id,
                "flight_id": lk.flight_id,
                "reason": lk.reason,
                "status": lk.status,
                "raised_by": lk.raised_by,
                "raised_at": lk.raised_at.isoformat(),
            }
            for lk in service.lookouts(session, port)
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['id']}  {row['port']}  hit {row['hit_id']}  {row['status']}  {row['reason']}")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.command("queue")(queue_command)
    app.command("lookouts")(lookouts_command)
    app.add_typer(hit_app, name="hit")
    app.add_typer(allowlist_app, name="allowlist")
