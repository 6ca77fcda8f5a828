"""`ofac-csv`: the OFAC SDN list in its legacy CSV set (sdn.csv, alt.csv, sdn_comments.csv)."""

from __future__ import annotations

from pathlib import Path

from paxvet.watchlists.importers.base import ParsedList
from paxvet.watchlists.importers.ofac_common import SDN, parse_ofac


def parse(path: Path) -> ParsedList:
    """PATH is the folder holding sdn.csv and its alt/comments files (names may carry a date), or sdn.csv."""
    return parse_ofac(path, SDN)
