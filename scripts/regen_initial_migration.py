"""Regenerate the single initial Alembic migration from the models (pre-release only)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from paxvet.db import alembic_config

VERSIONS = Path(__file__).resolve().parents[1] / "src" / "paxvet" / "migrations" / "versions"


def main() -> None:
    for old in VERSIONS.glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{tmp}/empty.sqlite3")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    print(f"wrote {next(VERSIONS.glob('0001*.py'))}")


if __name__ == "__main__":
    main()
