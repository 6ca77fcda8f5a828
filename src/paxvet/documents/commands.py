"""CLI commands of the documents domain: read and check a machine-readable zone."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from paxvet.errors import InvalidInput

documents_app = typer.Typer(help="Travel documents: read and check ICAO 9303 machine-readable zones.")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.add_typer(documents_app, name="documents")


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}") from exc
    return source.replace("\\n", "\n").replace("|", "\n")


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{option} {value!r} is not a YYYY-MM-DD date") from exc


@documents_app.command("mrz")
def mrz_command(
    source: Annotated[
        str,
        typer.Argument(
            help="The MRZ lines (separated by '|' or newlines), a file holding them, or - for stdin."
        ),
    ],
    arrival: Annotated[
        str | None, typer.Option("--arrival", help="Arrival date YYYY-MM-DD (valid on entry?).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Read an MRZ (TD1, TD2, TD3, MRV-A, MRV-B): every field, every check digit, every finding."""
    from paxvet.console import console, print_json
    from paxvet.documents.checks import check_document
    from paxvet.documents.mrz import parse_mrz

    text = _read(source)
    mrz = parse_mrz(text)
    findings = check_document(
        number=mrz.document_number,
        doc_type=mrz.document_type,
        issuing_country=mrz.issuing_state,
        expiry=mrz.expiry,
        issued=None,
        date_of_birth=mrz.date_of_birth,
        arrival=_date(arrival, "--arrival"),
        mrz=text,
    )
    report = _report(mrz, [f.to_dict() for f in findings])
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        if key not in ("checks", "findings"):
            console.print(f"{key:>16}: {value if value not in (None, '') else '-'}")
    for check in report["checks"]:
        verdict = (
            "[green]ok[/]"
            if check["ok"]
            else f"[red]FAILED[/] (found {check['found']}, data gives {check['expected']})"
        )
        console.print(f"{'check ' + check['field']:>28}: {verdict}")
    for finding in report["findings"]:
        console.print(f"[bold]{finding['severity']}[/] {finding['code']}: {finding['message']}")
    if not report["findings"]:
        console.print("no findings")


def _report(mrz: Any, findings: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "format": mrz.format,
        "document_code": mrz.document_code,
        "document_number": mrz.document_number,
        "issuing_state": mrz.issuing_state,
        "surname": mrz.surname,
        "given_names": mrz.given_names,
        "nationality": mrz.nationality,
        "date_of_birth": mrz.date_of_birth.isoformat() if mrz.date_of_birth else None,
        "sex": mrz.sex,
        "expiry": mrz.expiry.isoformat() if mrz.expiry else None,
        "optional_data": mrz.optional_data,
        "valid": mrz.valid,
        "checks": [c.to_dict() for c in mrz.checks],
        "findings": findings,
    }
