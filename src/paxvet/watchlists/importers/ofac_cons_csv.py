"""`ofac-cons-csv`: OFAC's consolidated non-SDN lists (cons_prim.csv, cons_alt.csv, cons_comments.csv)."""

from __future__ import annotations

from pathlib import Path

from paxvet.watchlists.importers.base import ParsedList
from paxvet.watchlists.importers.ofac_common import CONSOLIDATED, parse_ofac


def parse(path: Path) -> ParsedList:
    """PATH is the folder holding cons_prim.csv and its cons_alt/cons_comments files, or cons_prim.csv."""
    return parse_ofac(path, CONSOLIDATED)
