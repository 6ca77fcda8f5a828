"""What every CLI command shares: the database engine, the Rich console, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from sqlalchemy.engine import Engine

from paxvet.db import make_engine, migrate

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

_engine: Engine | None = None


def open_engine() -> Engine:
    """The configured database, migrated to the newest schema (once per process)."""
    global _engine
    if _engine is None:
        engine = make_engine()
        migrate(engine)
        _engine = engine
    return _engine


def print_json(data: Any) -> None:
    """Machine-readable output for integrators: plain JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=None))
    sys.stdout.write("\n")
    sys.stdout.flush()
