"""`paxvet lists`: load list versions, see what is loaded, show a list and what a version changed."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer
from rich.table import Column, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from paxvet.console import console, err_console, open_engine, print_json
from paxvet.db import session_scope
from paxvet.errors import InvalidInput
from paxvet.watchlists import service
from paxvet.watchlists.importers import FORMATS
from paxvet.watchlists.models import (
    CATEGORIES,
    SEVERITIES,
    WatchlistEntry,
    WatchlistEntryChange,
    WatchlistVersion,
)

lists_app = typer.Typer(
    help="Watchlists. Alone, `paxvet lists` shows every list (version, entries, loaded at); the commands "
    "load a version (with its delta), show a list, diff a version, and change a list's settings.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.add_typer(lists_app, name="lists")


@lists_app.callback()
def overview(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Without a subcommand: every list with its current version, active entries and load time."""
    if ctx.invoked_subcommand is not None:
        return
    with session_scope(open_engine()) as session:
        summaries = service.list_summaries(session)
    if as_json:
        print_json([s.__dict__ for s in summaries])
        return
    if not summaries:
        console.print("no lists loaded yet; see `paxvet lists load --help`")
        return
    table = Table("version", "entries", "loaded at", "category", "severity", "owner", "format")
    table.columns.insert(0, Column("name", no_wrap=True, min_width=max(len(s.name) for s in summaries)))
    for s in summaries:
        table.add_row(
            s.name,
            str(s.version or "-"),
            str(s.entries),
            s.loaded_at or "-",
            s.category,
            s.default_severity,
            s.owner_agency,
            s.source_format + ("" if s.active else " (inactive)"),
        )
    console.print(table)


@lists_app.command("load")
def load(
    fmt: str = typer.Argument(..., metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}."),
    path: Path = typer.Argument(
        ..., metavar="PATH", help="The file, or the folder of a multi-file set (ofac-csv, uk-csv)."
    ),
    list_name: str = typer.Option(..., "--list", help="The list's name; created on first load."),
    category: str | None = typer.Option(None, help=f"One of: {', '.join(CATEGORIES)}."),
    severity: str | None = typer.Option(None, help=f"Default severity: {', '.join(SEVERITIES)}."),
    owner: str | None = typer.Option(None, "--owner", help="Owning agency (on first load; default 'local')."),
    as_json: bool = typer.Option(False, "--json", help="Print the load report as JSON."),
) -> None:
    """Load FORMAT at PATH as the next version of a list; print counts and the delta.

    All or nothing: on a bad file every problem is printed with its line and nothing is loaded (exit 2).
    """
    try:
        with session_scope(open_engine()) as session:
            report = service.load_list(
                session,
                fmt,
                path,
                list_name,
                category=category,
                severity=severity,
                owner=owner,
                loaded_by=_user(),
            )
    except InvalidInput as error:
        _print_problems(error)
        raise typer.Exit(2) from error
    from paxvet.screening.retro import rescreen_in  # travellers in the window meet the new entries now

    retro = rescreen_in(open_engine(), report.version_id)
    if as_json:
        print_json({**report.to_dict(), "retro_screening": retro.to_dict()})
        return
    verb = "created and loaded" if report.created else "loaded"
    console.print(
        f"{report.list_name}: {verb} version {report.version_number} from {fmt} "
        f"in {report.seconds:.2f} s: {report.entries} entries"
    )
    console.print(
        f"  delta: {report.added} added, {report.changed} changed, {report.removed} removed, "
        f"{report.unchanged} unchanged"
    )
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()) if v)
    console.print(f"  counts: {counts}", soft_wrap=True)
    console.print(
        f"  retro-screening: {retro.travellers} travellers in the window, {retro.new_hits} new hits, "
        f"{retro.withdrawn_hits} withdrawn ({retro.seconds:.2f} s)"
    )
    for warning in report.warnings[:20]:
        console.print(f"  warning: {warning}", markup=False, soft_wrap=True)
    if len(report.warnings) > 20:
        console.print(f"  ... and {len(report.warnings) - 20} more warnings (kept in the version report)")


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _print_problems(error: InvalidInput) -> None:
    err_console.print(f"[bold red]error:[/] {error.message}", soft_wrap=True)
    for problem in error.problems:  # every one, one per line: the agency fixes its file in one pass
        err_console.print(f"  - {problem}", markup=False, soft_wrap=True)


@lists_app.command("set")
def set_list(
    name: str = typer.Argument(..., help="The list's name."),
    threshold: float | None = typer.Option(None, help="Matcher threshold for this list (0-1]."),
    default_threshold: bool = typer.Option(False, "--default-threshold", help="Use the matcher's default."),
    active: bool | None = typer.Option(None, "--active/--inactive", help="Screen against this list or not."),
    category: str | None = typer.Option(None, help=f"One of: {', '.join(CATEGORIES)}."),
    severity: str | None = typer.Option(None, help=f"Default severity: {', '.join(SEVERITIES)}."),
    owner: str | None = typer.Option(None, "--owner", help="Owning agency."),
) -> None:
    """Change a list's settings: threshold, active or not, category, severity, owner (audited)."""
    with session_scope(open_engine()) as session:
        watchlist = service.update_list(
            session,
            name,
            threshold=threshold,
            default_threshold=default_threshold,
            active=active,
            category=category,
            severity=severity,
            owner=owner,
            changed_by=_user(),
        )
        threshold_text = "matcher default" if watchlist.threshold is None else f"{watchlist.threshold:.2f}"
        console.print(
            f"{watchlist.name}: {'active' if watchlist.active else 'inactive'}, {watchlist.category}, "
            f"severity {watchlist.default_severity}, owner {watchlist.owner_agency}, "
            f"threshold {threshold_text}"
        )


@lists_app.command("show")
def show(
    name: str = typer.Argument(..., help="The list's name."),
    search: str = typer.Option(
        "", "--search", help="Only entries whose names, ids or documents contain this."
    ),
    limit: int = typer.Option(20, help="Entries to print."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A list's settings, its versions, and its entries (or those matching --search)."""
    with session_scope(open_engine()) as session:
        watchlist = service.get_list(session, name)
        versions = list(
            session.scalars(
                select(WatchlistVersion)
                .filter_by(watchlist_id=watchlist.id)
                .order_by(WatchlistVersion.number)
            )
        )
        entries = _entries(session, watchlist.id, name, search, limit)
        data: dict[str, Any] = {
            "name": watchlist.name,
            "owner_agency": watchlist.owner_agency,
            "category": watchlist.category,
            "default_severity": watchlist.default_severity,
            "source_format": watchlist.source_format,
            "threshold": watchlist.threshold,
            "active": watchlist.active,
            "versions": [
                {
                    "number": v.number,
                    "loaded_at": v.loaded_at.isoformat(timespec="seconds"),
                    "loaded_by": v.loaded_by,
                    "entries": v.entry_count,
                    "added": v.added,
                    "changed": v.changed,
                    "removed": v.removed,
                    "source": v.source_path,
                }
                for v in versions
            ],
            "entries": [_entry_dict(e) for e in entries],
        }
    if as_json:
        print_json(data)
        return
    console.print(
        f"[bold]{data['name']}[/]  {data['category']}, severity {data['default_severity']}, "
        f"owner {data['owner_agency']}, format {data['source_format']}"
    )
    table = Table("version", "loaded at", "by", "entries", "added", "changed", "removed")
    for v in data["versions"]:
        table.add_row(
            str(v["number"]),
            v["loaded_at"],
            v["loaded_by"] or "-",
            str(v["entries"]),
            str(v["added"]),
            str(v["changed"]),
            str(v["removed"]),
        )
    console.print(table)
    _print_entries(data["entries"])


def _entries(session: Session, watchlist_id: int, name: str, search: str, limit: int) -> list[WatchlistEntry]:
    if search:
        return service.entry_search(session, name, search, limit=limit)
    return list(
        session.scalars(
            select(WatchlistEntry)
            .filter_by(watchlist_id=watchlist_id, removed_in_version_id=None)
            .order_by(WatchlistEntry.id)
            .limit(limit)
        )
    )


def _entry_dict(entry: WatchlistEntry) -> dict[str, Any]:
    record = entry.record
    return {
        "source_id": entry.source_id,
        "name": entry.primary_name,
        "names": len(record.get("names", [])),
        "dates_of_birth": [_dob_text(d) for d in record.get("dates_of_birth", [])],
        "nationalities": record.get("nationalities", []),
        "documents": [
            f"{d.get('doc_type') or 'doc'} {d['number']} {d.get('country') or ''}".strip()
            for d in record.get("documents", [])
        ],
    }


def _dob_text(d: dict[str, Any]) -> str:
    if d.get("end_year") and d["end_year"] != d["year"]:
        return f"{d['year']}..{d['end_year']}"
    parts = [str(d["year"]), *(f"{d[k]:02d}" for k in ("month", "day") if d.get(k))]
    return "-".join(parts) + ("~" if d.get("circa") else "")


def _print_entries(entries: list[dict[str, Any]]) -> None:
    table = Table("source id", "name", "names", "dates of birth", "nationalities", "documents")
    for e in entries:
        table.add_row(
            e["source_id"],
            e["name"],
            str(e["names"]),
            ", ".join(e["dates_of_birth"]),
            ", ".join(e["nationalities"]),
            "; ".join(e["documents"]),
        )
    console.print(table)


@lists_app.command("diff")
def diff(
    name: str = typer.Argument(..., help="The list's name."),
    version: int | None = typer.Option(None, "--version", help="Version number (default: the newest)."),
    limit: int = typer.Option(50, help="Entries to print per kind of change."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (every change, no limit)."),
) -> None:
    """What a version changed: entries added, changed (with the fields that changed) and removed."""
    with session_scope(open_engine()) as session:
        watchlist = service.get_list(session, name)
        chosen = service.get_version(session, watchlist, version)
        rows = session.execute(
            select(WatchlistEntryChange.change, WatchlistEntryChange.previous_record, WatchlistEntry)
            .join(WatchlistEntry, WatchlistEntry.id == WatchlistEntryChange.entry_id)
            .where(WatchlistEntryChange.version_id == chosen.id)
            .order_by(WatchlistEntryChange.change, WatchlistEntry.source_id)
        ).all()
        changes = [
            {
                "change": change,
                "source_id": entry.source_id,
                "name": entry.primary_name,
                "fields": _changed_fields(previous, entry.record) if change == "changed" else [],
            }
            for change, previous, entry in rows
        ]
        number = chosen.number
    if as_json:
        print_json({"list": name, "version": number, "changes": changes})
        return
    console.print(
        f"[bold]{name}[/] version {number}: "
        + ", ".join(
            f"{sum(1 for c in changes if c['change'] == k)} {k}" for k in ("added", "changed", "removed")
        )
    )
    for kind in ("added", "changed", "removed"):
        selected = [c for c in changes if c["change"] == kind]
        for c in selected[:limit]:
            detail = f"  ({', '.join(c['fields'])})" if c["fields"] else ""
            console.print(
                f"  {kind[0].upper()} {c['source_id']}  {c['name']}{detail}", markup=False, soft_wrap=True
            )
        if len(selected) > limit:
            console.print(f"  ... and {len(selected) - limit} more {kind}")


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    before = before or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
