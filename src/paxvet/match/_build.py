"""Whether the matcher runs compiled (mypyc, see setup.py), and the guard against a stale compile.

The build writes `_compiled.json` beside the compiled modules: the SHA-256 of each source it compiled.
Python imports a compiled module in preference to its `.py`, so an edited source would be shadowed by the
old compile; and the compiled modules call each other directly, not through the import system. So the
compiled modules are used only as a whole and only while every source they were built from is unchanged;
otherwise (or with PAXVET_PURE_PYTHON=1) every matcher module is imported from its source, with a warning
when that was not asked for. Imported by `paxvet.match` before any other matcher module.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
RECORD = HERE / "_compiled.json"
PACKAGE = __name__.rpartition(".")[0]


def compiled_here() -> list[str]:
    """The matcher modules that have a compiled extension beside their source."""
    names = set(os.listdir(HERE))
    return sorted(
        n[:-3]
        for n in names
        if n.endswith(".py") and any(n[:-3] + suffix in names for suffix in EXTENSION_SUFFIXES)
    )


def _recorded() -> dict[str, str]:
    try:
        modules = json.loads(RECORD.read_text())["modules"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in modules.items()} if isinstance(modules, dict) else {}


def stale(modules: Sequence[str]) -> list[str]:
    """The compiled modules whose source differs from what was compiled (or was never recorded)."""
    built = _recorded()
    return [m for m in modules if built.get(m) != hashlib.sha256((HERE / f"{m}.py").read_bytes()).hexdigest()]


class SourceFirst(MetaPathFinder):
    """Imports these matcher modules from their `.py` even where a compiled extension sits beside it."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE or name not in self.modules:
            return None
        return spec_from_file_location(fullname, HERE / f"{name}.py")


def choose() -> str:
    """Decide how the matcher is imported (once, before any matcher module) and say which way."""
    present = compiled_here()
    if not present:
        return "pure Python (not compiled)"
    if os.environ.get("PAXVET_PURE_PYTHON", "") not in ("", "0"):
        sys.meta_path.insert(0, SourceFirst(present))
        return "pure Python (PAXVET_PURE_PYTHON is set)"
    changed = stale(present)
    if changed:
        sys.meta_path.insert(0, SourceFirst(present))
        reason = f"{', '.join(m + '.py' for m in changed)} changed since the mypyc build"
        warnings.warn(
            f"paxvet.match runs as pure Python: {reason}; rebuild with `make` or "
            "`.venv/bin/pip install -e .` (PAXVET_PURE_PYTHON=1 silences this)",
            RuntimeWarning,
            stacklevel=2,
        )
        return f"pure Python ({reason})"
    return f"compiled with mypyc ({len(present)} modules)"


BUILD = choose()
