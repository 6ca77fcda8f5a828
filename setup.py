"""Build paxvet, compiling the pure matcher (`src/paxvet/match`) to C extensions with mypyc.

The matcher is fully typed and spends its time in small Python functions; compiled, the same source runs
faster (bench/README.md, "Matcher speed"). Compiling is optional and never fails the installation:

- `PAXVET_PURE_PYTHON=1` at install time skips it;
- without mypy, without a C compiler, or when compiling fails, the package installs as pure Python.

Next to the compiled modules the build writes `_compiled.json`, the SHA-256 of each source it compiled;
`paxvet.match` loads the compiled modules only while every one of those sources is unchanged
(`paxvet/match/_build.py`), so an edited `.py` is never shadowed by a stale `.so`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
MATCH = Path("src", "paxvet", "match")
# The matcher's pure modules worth compiling (all but the package's __init__ and _build, which check
# the build before anything compiled is imported).
COMPILED = (
    "bounds",
    "dates",
    "evidence",
    "index",
    "lexicon",
    "names",
    "records",
    "romanisation",
    "score",
    "screener",
    "text",
    "tokens",
)
RECORD = "_compiled.json"


def _say(message: str) -> None:
    print(f"paxvet setup: {message}", file=sys.stderr)


def _source_hashes() -> dict[str, str]:
    return {m: hashlib.sha256((ROOT / MATCH / f"{m}.py").read_bytes()).hexdigest() for m in COMPILED}


def _mypy_config() -> str:
    """A config of its own for the compile: the project's [tool.mypy] loads the pydantic plugin, which
    the isolated build environment does not have; the libraries the matcher calls are not there either
    (they are typed as Any for the compile; `mypy --strict` checks them in the dev environment)."""
    handle, path = tempfile.mkstemp(prefix="paxvet-mypyc-", suffix=".ini")
    with os.fdopen(handle, "w") as f:
        f.write("[mypy]\nignore_missing_imports = True\nfollow_imports = silent\n")
    return path


def _remove_compiled_in_place() -> None:
    """An earlier build's modules in the source tree (editable installs) go with a pure one."""
    for pattern in ("match/*.so", "match/*.pyd", "../paxvet_match__mypyc*"):
        for path in (ROOT / MATCH).parent.glob(pattern):
            path.unlink()
    (ROOT / MATCH / RECORD).unlink(missing_ok=True)


def _extensions() -> list[Any]:
    if os.environ.get("PAXVET_PURE_PYTHON", "") not in ("", "0"):
        _say("PAXVET_PURE_PYTHON is set: installing the matcher as pure Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _say(f"mypyc unavailable ({exc}): installing the matcher as pure Python")
        return []
    paths = [str(MATCH / f"{m}.py") for m in COMPILED]
    config = _mypy_config()
    try:
        return list(mypycify(["--config-file", config, *paths], group_name="paxvet_match"))
    except BaseException as exc:  # mypyc exits through SystemExit on a type error
        _say(f"mypyc could not translate the matcher ({exc!r}): installing it as pure Python")
        return []
    finally:
        os.unlink(config)


class OptionalBuildExt(build_ext):
    """Compile the matcher's C extensions if at all possible; otherwise leave the pure modules alone."""

    def run(self) -> None:
        if not self.extensions:
            self._forget_build()
            return
        try:
            super().run()
        except Exception as exc:  # no C compiler, a compiler error, missing Python headers
            _say(f"compiling the matcher failed ({exc!r}): installing it as pure Python")
            self._forget_build()
            return
        self._write_record()

    def _outputs(self) -> list[Path]:
        """Where the built extensions go: the build directory (and the source tree, built in place)."""
        return [Path(self.get_ext_fullpath(ext.name)) for ext in self.extensions]

    def _record_dirs(self) -> set[Path]:
        dirs = {Path(self.get_ext_fullpath(f"paxvet.match.{COMPILED[0]}")).parent}
        if self.inplace:  # editable installs import the package from src/
            dirs.add(ROOT / MATCH)
        return {d for d in dirs if d.is_dir()}

    def _forget_build(self) -> None:
        """No compiled module may stay behind (a half-built group, an earlier build in place)."""
        for path in self._outputs():
            path.unlink(missing_ok=True)
        for folder in self._record_dirs():
            (folder / RECORD).unlink(missing_ok=True)
        _remove_compiled_in_place()

    def _write_record(self) -> None:
        text = json.dumps({"modules": _source_hashes()}, indent=1, sort_keys=True) + "\n"
        for folder in self._record_dirs():
            (folder / RECORD).write_text(text)
        _say(f"compiled with mypyc: paxvet.match.{{{','.join(COMPILED)}}}")


# pip runs this file once per build hook; only the commands that build need the translation (the
# metadata hooks' egg_info does not: it took one more mypyc run, about 20 CPU s, per install)
BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}
BUILDING = not BUILD_COMMANDS.isdisjoint(sys.argv[1:])
EXTENSIONS = _extensions() if BUILDING else []
if BUILDING and not EXTENSIONS:
    _remove_compiled_in_place()  # build_ext does not run without extensions
setup(ext_modules=EXTENSIONS, cmdclass={"build_ext": OptionalBuildExt})
