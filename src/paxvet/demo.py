"""`paxvet demo`: the whole pipeline on the embedded default, end to end."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def demo() -> None:
        """Synthesise a day of arrivals, ingest and screen it, and show what was found."""
        typer.echo("paxvet demo: nothing to show yet")
