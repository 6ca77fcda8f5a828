"""`paxvet synth ...`: synthetic PAXLST days and wanted-persons lists for demos, tests and load runs."""

from __future__ import annotations

import csv
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from paxvet.errors import InvalidInput

synth_app = typer.Typer(
    help="Synthetic data: realistic PAXLST flights into Mexican and US airports, and wanted-persons lists.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    app.add_typer(synth_app, name="synth")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--date {value!r} is not a YYYY-MM-DD date") from exc


@synth_app.command("flights")
def flights_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the .edi files.")],
    day: Annotated[
        str, typer.Option("--date", help="Arrival date (local at the arrival airport), YYYY-MM-DD.")
    ],
    flights: Annotated[int, typer.Option("--flights", min=1, help="Number of arriving flights.")] = 10,
    travellers: Annotated[int, typer.Option("--travellers", min=0, help="Passengers per flight.")] = 150,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
    multipart: Annotated[
        bool, typer.Option("--multipart", help="Split passenger lists into 2-3 parts (01:C, 02, 03:F).")
    ] = False,
    crew: Annotated[
        bool, typer.Option("--crew/--no-crew", help="Also send a crew list (BGM 250) per flight.")
    ] = True,
    airports: Annotated[
        str, typer.Option("--airports", help="Comma-separated arrival airports (default: all nine).")
    ] = "",
    truth_file: Annotated[
        Path | None,
        typer.Option(
            "--truth", help="Where to write the truth (.json, and .csv beside it); default OUT.truth.json."
        ),
    ] = None,
    plant: Annotated[
        Path | None,
        typer.Option(
            "--plant", help="paxvet-csv file of persons to put on board under realistic name variations."
        ),
    ] = None,
) -> None:
    """Write a day of arrivals as PAXLST files, with the truth about planted persons.

    One D05B interchange per message, named DATE_FLIGHT_ORIGIN-DEST_pax[_partNofM].edi / _crew.edi.
    OUT.truth.json and OUT.truth.csv (beside OUT, so `paxvet ingest OUT` reads only messages) say which
    traveller is which planted person and how the name was varied.
    """
    from paxvet.synth.day import synth_day
    from paxvet.synth.flights import ARRIVAL_AIRPORTS

    chosen = tuple(a.strip().upper() for a in airports.split(",") if a.strip()) or ARRIVAL_AIRPORTS
    if plant is not None and not plant.is_file():
        raise InvalidInput(f"--plant {plant}: no such file")
    started = time.perf_counter()
    result = synth_day(
        day=_day(day),
        flights=flights,
        travellers_per_flight=travellers,
        seed=seed,
        airports=chosen,
        multipart=multipart,
        crew=crew,
        plant=plant,
    )
    truth = result.write(out, truth_file)
    _truth_csv(result.truth, truth.with_suffix(".csv"))
    seconds = time.perf_counter() - started
    typer.echo(
        f"{len(result.messages)} PAXLST files, {len(result.flights)} flights, {result.traveller_count:,} "
        f"travellers ({len(result.truth)} planted) written to {out} in {seconds:.1f} s; truth in {truth}"
    )


def _truth_csv(truth: list[dict[str, object]], path: Path) -> None:
    from paxvet.synth.day import TRUTH_FIELDS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TRUTH_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in truth:
            writer.writerow({**row, "variations": "|".join(str(v) for v in row["variations"])})  # type: ignore[attr-defined]


@synth_app.command("watchlist")
def watchlist_command(
    out: Annotated[Path, typer.Argument(help="CSV file to write (paxvet-csv format).")],
    count: Annotated[int, typer.Option("--count", min=1, help="Number of wanted persons.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same list.")] = 1,
) -> None:
    """Write a synthetic wanted-persons list in the paxvet-csv format.

    Mexican, US, Colombian and other names, with warrants, issuing authorities, offences,
    extradition flags, caution notes and dates of birth as lists give them.
    """
    from paxvet.synth.wanted import synth_wanted_list, write_wanted_csv

    write_wanted_csv(synth_wanted_list(count, seed), out)
    typer.echo(f"{count} wanted persons written to {out}")
