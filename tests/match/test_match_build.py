"""The mypyc build guard: a compiled matcher module is used only while its source is what was compiled."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import paxvet.match.tokens
from paxvet.match import BUILD, _build


def test_build_says_how_the_matcher_runs() -> None:
    compiled = not paxvet.match.tokens.__file__.endswith(".py")
    assert BUILD.startswith("compiled with mypyc") is compiled


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A matcher folder with one module 'tokens' compiled from the source as it is now."""
    source = tmp_path / "tokens.py"
    source.write_text("X = 1\n")
    (tmp_path / f"tokens{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    record = {"modules": {"tokens": hashlib.sha256(source.read_bytes()).hexdigest()}}
    (tmp_path / "_compiled.json").write_text(json.dumps(record))
    monkeypatch.setattr(_build, "HERE", tmp_path)
    monkeypatch.setattr(_build, "RECORD", tmp_path / "_compiled.json")
    return tmp_path


def test_a_compile_of_the_current_source_is_used(package: Path) -> None:
    assert _build.compiled_here() == ["tokens"]
    assert _build.stale(["tokens"]) == []


def test_an_edited_source_makes_the_compile_stale(package: Path) -> None:
    (package / "tokens.py").write_text("X = 2\n")
    assert _build.stale(["tokens"]) == ["tokens"]


def test_a_compile_without_a_record_is_stale(package: Path) -> None:
    (package / "_compiled.json").unlink()
    assert _build.stale(["tokens"]) == ["tokens"]


def test_stale_modules_are_imported_from_their_source(package: Path) -> None:
    spec = _build.SourceFirst(["tokens"]).find_spec("paxvet.match.tokens", None)
    assert spec is not None and spec.origin == str(package / "tokens.py")
    assert _build.SourceFirst(["tokens"]).find_spec("paxvet.match.names", None) is None
    assert _build.SourceFirst(["tokens"]).find_spec("other.tokens", None) is None


def test_pure_python_on_request() -> None:
    code = "import paxvet.match as m, paxvet.match.tokens as t; print(m.BUILD); print(t.__file__)"
    env = {**os.environ, "PAXVET_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    build, path = out.stdout.splitlines()
    assert path.endswith("tokens.py")
    assert build.startswith("pure Python")
