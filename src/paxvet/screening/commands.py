"""CLI commands of the screening domain."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the paxvet CLI."""
    from paxvet.screening.batch import register_batch

    register_batch(app)
