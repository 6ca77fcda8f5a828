"""The matcher: pure (no database or web imports). Records in, scores and explanations out.

from paxvet.match import Screener, MatchResult, score_pair, DEFAULT_THRESHOLD

The modules may run compiled with mypyc (setup.py); `BUILD` says whether they do. `_build` decides it
before any other matcher module is imported, so it comes first.
"""

from paxvet.match._build import BUILD
from paxvet.match.records import DateRange, Document, Name, PartialDate, PersonRecord
from paxvet.match.score import DEFAULT_THRESHOLD, Explanation, MatchResult, score_pair
from paxvet.match.screener import Screener

__all__ = [
    "BUILD",
    "DEFAULT_THRESHOLD",
    "DateRange",
    "Document",
    "Explanation",
    "MatchResult",
    "Name",
    "PartialDate",
    "PersonRecord",
    "Screener",
    "score_pair",
]
