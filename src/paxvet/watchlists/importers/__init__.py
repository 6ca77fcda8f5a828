"""One importer module per source format; `FORMATS` maps the CLI's format names to their `parse`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from paxvet.errors import InvalidInput
from paxvet.heap import paused_gc
from paxvet.watchlists.importers.base import ParsedList, SourceError, failed

# CLI format name -> module in this package. The names are stable: agencies script against them.
FORMATS: dict[str, str] = {
    "ofac-csv": "ofac_csv",
    "ofac-cons-csv": "ofac_cons_csv",
    "un-xml": "un_xml",
    "uk-csv": "uk_csv",
    "csl-csv": "csl_csv",
    "ftm-json": "ftm_json",
    "paxvet-csv": "paxvet_csv",
    "documents-csv": "documents_csv",
}


def parser_for(fmt: str) -> Callable[[Path], ParsedList]:
    """The `parse` function of a format; an unknown name is the caller's error."""
    module_name = FORMATS.get(fmt)
    if module_name is None:
        raise InvalidInput(f"unknown list format {fmt!r}; use one of: {', '.join(FORMATS)}")
    module = importlib.import_module(f"paxvet.watchlists.importers.{module_name}")
    parse: Callable[[Path], ParsedList] = module.parse
    return parse


def parse_source(fmt: str, path: Path) -> ParsedList:
    """The parsed list; a source that cannot be read at all is one located problem, never an exception."""
    parse = parser_for(fmt)
    try:
        with paused_gc():
            return parse(path)
    except SourceError as exc:
        return failed(exc.problem)


__all__ = ["FORMATS", "ParsedList", "parse_source", "parser_for"]
