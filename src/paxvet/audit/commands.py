"""`paxvet audit verify` and `paxvet audit log`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from paxvet.audit.search import AuditQuery, event_to_dict, search_events
from paxvet.audit.service import verify_chain
from paxvet.console import console, err_console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.errors import InvalidInput

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--{name} {value!r} is not an ISO date or date-time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@audit_app.command("verify")
def verify(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check the whole chain; report the first altered, inserted or deleted event. Exit 1 when broken."""
    with session_scope(open_engine()) as session:
        report = verify_chain(session)
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "first_bad_seq": report.first_bad_seq,
                "reason": report.reason,
            }
        )
    elif report.ok:
        console.print(f"audit chain intact: {report.checked} events checked")
    else:
        err_console.print(
            f"[bold red]audit chain broken[/] at event {report.first_bad_seq}: {report.reason} "
            f"({report.checked} events before it are intact)"
        )
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def log(
    actor: str = typer.Option("", "--user", help="Only events by this user."),
    subject_type: str = typer.Option("", "--subject-type", help="e.g. traveller, hit, watchlist, user."),
    subject: str = typer.Option("", "--subject", help="Only events about this subject id."),
    action: str = typer.Option("", "--action", help="Exact action, or a prefix ending in ':'."),
    since: str = typer.Option("", "--since", help="ISO date or date-time (UTC unless zoned)."),
    until: str = typer.Option("", "--until", help="ISO date or date-time, exclusive."),
    limit: int = typer.Option(100, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """Search the audit log, newest first."""
    query = AuditQuery(
        actor=actor or None,
        subject_type=subject_type or None,
        subject_id=subject or None,
        action=action or None,
        since=_when(since, "since"),
        until=_when(until, "until"),
        limit=limit,
    )
    with session_scope(open_engine()) as session:
        events = [event_to_dict(e) for e in search_events(session, query)]
    if as_json:
        print_json(events)
        return
    for e in events:
        subject_text = f"{e['subject_type']}:{e['subject_id']}" if e["subject_id"] else ""
        console.print(f"{e['seq']:>7} {e['at']} {e['action']:<34} {e['actor'] or '-':<16} {subject_text}")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.add_typer(audit_app, name="audit")
