"""Write docs/settings.md from the Settings object (run after adding a setting)."""

from __future__ import annotations

from pathlib import Path

from paxvet.settings import Settings

HEADER = """# Settings

Every setting is an environment variable with the prefix `PAXVET_`, read once into one settings object
(`paxvet.settings.Settings`). Outside development (`PAXVET_ENVIRONMENT=production`) paxvet refuses insecure
values: a missing or short `PAXVET_SECRET_KEY` stops it at start-up. There are no default passwords and no
secrets in the repository; in development a random secret key is generated once into the data directory.

Generated from the code by `.venv/bin/python scripts/settings_doc.py`; a test checks it is complete.

| variable | default | meaning |
|---|---|---|
"""


def main() -> None:
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default if field.default not in ("", None) else "(empty)"
        rows.append(f"| `PAXVET_{name.upper()}` | `{default}` | {field.description or ''} |")
    path = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
